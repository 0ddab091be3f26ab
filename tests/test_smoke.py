from django.test import Client


def test_login_page_speaks_vietnamese(db: None) -> None:
    response = Client().get("/dang-nhap/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


def test_home_needs_login(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")
