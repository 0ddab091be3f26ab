from django.test import Client


def test_login_page_speaks_vietnamese(db: None) -> None:
    response = Client().get("/dang-nhap/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


def test_home_needs_login(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_an_english_browser_still_gets_vietnamese_until_it_switches(db: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in client.get("/dang-nhap/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    page = client.get("/dang-nhap/")
    assert 'lang="en"' in page.content.decode()
    assert page["Content-Language"] == "en"
