"""The user guide in the app: the Markdown renderer (escaping first, links only where allowed),
the chapters of docs/huong-dan/ as public pages, and the pictures served by whitelisted name."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from parindex.core.help import heading_id, render_markdown, safe_target
from tests.conftest import World

GUIDE = Path(settings.BASE_DIR) / "docs" / "huong-dan"
CHAPTERS = sorted(p.stem for p in GUIDE.glob("*.md"))
# The pictures the end-to-end browser test takes for the guide (PARINDEX_SCREENSHOTS=1).
SCREENSHOTS = [
    "01-dang-nhap.png",
    "02-nhap-khung-tieu-chi.png",
    "03-lich-danh-gia.png",
    "04-tu-danh-gia.png",
    "05-tai-lieu-kiem-chung.png",
    "06-nop-bi-tu-choi.png",
    "07-khao-sat-dien-thoai.png",
    "08-nhap-phieu-giay.png",
    "09-tham-dinh.png",
    "10-giai-trinh.png",
    "11-khoa-ket-qua.png",
    "12-xep-hang.png",
    "13-phe-duyet-cong-bo.png",
    "14-cong-khai.png",
    "15-ke-hoach-cai-thien.png",
    "16-thi-dua.png",
    "17-tu-danh-gia-dien-thoai.png",
]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


# --- the renderer ---------------------------------------------------------------------------


def test_a_script_in_the_text_is_shown_as_text() -> None:
    html = render_markdown("# Tiêu đề\n\nTrước <script>alert('x')</script> sau & \"hết\".")
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&amp; &quot;hết&quot;" in html


def test_raw_html_never_passes_through() -> None:
    source = '<img src=x onerror="alert(1)">\n\n<div onclick=x>**b**</div>\n\n| <b>x</b> |\n| --- |'
    html = render_markdown(source)
    assert "<img" not in html
    assert "<div onclick" not in html
    assert "<b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "&lt;div onclick=x&gt;<strong>b</strong>&lt;/div&gt;" in html


def test_links_keep_only_safe_targets() -> None:
    html = render_markdown(
        "[a](https://dichvucong.gov.vn/p?x=1&y=2) [b](javascript:alert(1)) [c](/cong-khai/) "
        "[d](#muc) [e](data:text/html,x) [f](//evil.example/) [g](mailto:a@b.vn) [h](khac.md)"
    )
    assert (
        '<a href="https://dichvucong.gov.vn/p?x=1&amp;y=2" rel="noopener noreferrer">a</a>' in html
    )
    assert '<a href="/cong-khai/">c</a>' in html
    assert '<a href="#muc">d</a>' in html
    assert '<a href="mailto:a@b.vn" rel="noopener noreferrer">g</a>' in html
    for bad in ("javascript:", "data:", "//evil", "khac.md"):
        assert f'href="{bad}' not in html
    # the refused links keep their text
    assert "</a> b) <a" in html
    assert "</a> e f <a" in html
    assert "</a> h</p>" in html


def test_a_quote_cannot_break_out_of_an_attribute() -> None:
    html = render_markdown(
        '[x](https://a.example/"onmouseover="alert(1)) ![y" onerror="alert(1)](https://a.example/i.png)'
    )
    assert 'onmouseover="' not in html
    assert 'onerror="' not in html
    # images need the guide's resolver: with the default one, only the alternative text remains
    assert '<span class="missing-image">y&quot; onerror=&quot;alert(1)</span>' in html


def test_the_markdown_the_guide_uses() -> None:
    source = """# Tự đánh giá *nhanh*

Đoạn **đậm**, *nghiêng* và `mã **không** <b>`,
dòng tiếp theo.

1. Mở **Đánh giá**.
2. Chọn xã:
   - Xã A
   - Xã B
3. Bấm **Lưu**.

| Mã | Điểm |
| --- | ---: |
| 1.1 \\| a | 2,85 |

> Lưu ý: điểm ghi 91,84.

```sh
make run <demo>
```

---
"""
    assert render_markdown(source) == "\n".join(
        [
            '<h1 id="tự-đánh-giá-nhanh">Tự đánh giá <em>nhanh</em></h1>',
            "<p>Đoạn <strong>đậm</strong>, <em>nghiêng</em> và "
            "<code>mã **không** &lt;b&gt;</code>,\ndòng tiếp theo.</p>",
            "<ol><li>Mở <strong>Đánh giá</strong>.</li>"
            "<li>Chọn xã:<ul><li>Xã A</li><li>Xã B</li></ul></li>"
            "<li>Bấm <strong>Lưu</strong>.</li></ol>",
            '<div class="table-wrap"><table><thead><tr><th>Mã</th><th class="num">Điểm</th>'
            '</tr></thead><tbody><tr><td>1.1 | a</td><td class="num">2,85</td></tr></tbody>'
            "</table></div>",
            "<blockquote><p>Lưu ý: điểm ghi 91,84.</p></blockquote>",
            "<pre><code>make run &lt;demo&gt;</code></pre>",
            "<hr>",
        ]
    )


def test_loose_lists_and_lazy_lines() -> None:
    assert render_markdown("- a\n\n- b\nnối tiếp\n\nĐoạn sau") == (
        "<ul><li><p>a</p></li><li><p>b\nnối tiếp</p></li></ul>\n<p>Đoạn sau</p>"
    )


def test_bold_may_span_lines_of_a_paragraph() -> None:
    assert render_markdown("**Chỉ số\nCCHC** năm") == "<p><strong>Chỉ số\nCCHC</strong> năm</p>"


def test_heading_ids_are_githubs() -> None:
    assert heading_id("2. Mở kỳ đánh giá và lịch") == "2-mở-kỳ-đánh-giá-và-lịch"
    assert heading_id("Tải lên, đính kèm (PDF)") == "tải-lên-đính-kèm-pdf"


def test_the_default_resolver() -> None:
    assert safe_target("https://a.vn/x", False) == "https://a.vn/x"
    assert safe_target("/ket-qua/", False) == "/ket-qua/"
    assert safe_target("/ket-qua/", True) is None
    assert safe_target("JavaScript:alert(1)", False) is None
    assert safe_target("//host/x", False) is None


# --- the guide's pages ----------------------------------------------------------------------


class _Page(HTMLParser):
    """The links, pictures and heading ids of a rendered chapter."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag == "img" and values.get("src"):
            self.srcs.append(str(values["src"]))
        if values.get("id"):
            self.ids.add(str(values["id"]))


def _url(name: str) -> str:
    return reverse("help:index") if name == "README" else reverse("help:chapter", args=[name])


def _fetch(client: Client, name: str) -> str:
    response = client.get(_url(name))
    assert response.status_code == 200, name
    return response.content.decode()


def test_the_guide_has_its_chapters() -> None:
    assert {"README", "overview-en"} <= set(CHAPTERS)
    numbered = [name for name in CHAPTERS if name[:2].isdigit()]
    assert [name[:2] for name in numbered] == ["01", "02", "03", "04", "05", "06", "07"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chapter_renders_without_login(client: Client, name: str) -> None:
    page = _fetch(client, name)
    title = re.search(r"^# .+$", (GUIDE / f"{name}.md").read_text(encoding="utf-8"), re.M)
    assert title is not None
    assert render_markdown(title.group(0)).startswith("<h1 ")
    assert render_markdown(title.group(0)) in page
    # the table of contents lists every chapter, the current one marked
    for other in CHAPTERS:
        assert f'href="{_url(other)}"' in page
    assert f'href="{_url(name)}" aria-current="page"' in page
    assert 'class="missing-image"' not in page


@pytest.mark.django_db
def test_links_between_chapters_and_their_anchors_all_lead_somewhere(client: Client) -> None:
    pages: dict[str, _Page] = {}
    for name in CHAPTERS:
        parsed = _Page()
        parsed.feed(_fetch(client, name))
        pages[_url(name)] = parsed
    checked = 0
    for name in CHAPTERS:
        source = (GUIDE / f"{name}.md").read_text(encoding="utf-8")
        # every relative link of the source became a page of the guide (nothing dropped)
        targets = re.findall(r"(?<!!)\[[^\]]+\]\(([^)\s]+)\)", source)
        relative = [t for t in targets if not re.match(r"^(https?:|mailto:|/)", t)]
        rendered = [h for h in pages[_url(name)].hrefs if h.startswith(("/huong-dan/", "#"))]
        checked += len(relative)
        for target in relative:
            chapter, _, anchor = target.partition("#")
            path = _url(chapter.removesuffix(".md")) if chapter else _url(name)
            href = (f"{path}#{anchor}" if anchor else path) if chapter else f"#{anchor}"
            assert href in rendered, (name, target)
            if anchor:
                assert anchor in pages[path].ids, (name, target)
    assert checked > 40  # the chapters do link to each other


@pytest.mark.django_db
def test_every_picture_of_the_guide_exists_or_is_a_screenshot_to_come(client: Client) -> None:
    for name in CHAPTERS:
        source = (GUIDE / f"{name}.md").read_text(encoding="utf-8")
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", source):
            assert target.startswith("anh/"), (name, target)
            picture = target.removeprefix("anh/")
            assert (GUIDE / "anh" / picture).is_file() or picture in SCREENSHOTS, (name, target)
        page = _Page()
        page.feed(_fetch(client, name))
        for src in page.srcs:
            assert src.startswith(reverse("help:index") + "anh/"), (name, src)


def test_each_screenshot_is_used_by_the_guide() -> None:
    sources = "".join((GUIDE / f"{name}.md").read_text(encoding="utf-8") for name in CHAPTERS)
    assert [s for s in SCREENSHOTS if f"(anh/{s})" not in sources] == []


def test_the_screenshots_exist() -> None:
    missing = [name for name in SCREENSHOTS if not (GUIDE / "anh" / name).is_file()]
    if missing and not os.environ.get("PARINDEX_SCREENSHOTS"):
        pytest.skip(
            "Screenshots not made yet (PARINDEX_SCREENSHOTS=1 make screenshots): "
            + ", ".join(missing)
        )
    assert missing == []


@pytest.mark.django_db
def test_unknown_chapters_are_not_found(client: Client) -> None:
    for name in ["khong-co", "README", "readme", "Overview-en", "-x", "anh"]:
        assert client.get(f"/huong-dan/{name}/").status_code == 404, name
    assert client.get("/huong-dan/..%2FREADME/").status_code == 404


# --- a guide of our own, in a temporary folder ----------------------------------------------


@pytest.fixture
def own_guide(tmp_path: Path, settings: Any) -> Path:
    (tmp_path / "README.md").write_text(
        "# Mục lục\n\n[Chương thử](01-thu.md) · [không có](02-khong.md)\n", encoding="utf-8"
    )
    (tmp_path / "01-thu.md").write_text(
        "# Chương <script>alert(1)</script>\n\n<script>alert(2)</script>\n\n"
        "![Ảnh](anh/01-anh.png) ![Ảnh lạ](anh/x.svg)\n",
        encoding="utf-8",
    )
    (tmp_path / "Bad_Name.md").write_text("# Không hiện\n", encoding="utf-8")
    (tmp_path / "anh").mkdir()
    (tmp_path / "anh" / "01-anh.png").write_bytes(PNG)
    (tmp_path / "anh" / "x.svg").write_text("<svg onload='alert(1)'/>", encoding="utf-8")
    (tmp_path / "bi-mat.png").write_bytes(PNG)
    (tmp_path / "anh" / "02-lien-ket.png").symlink_to(tmp_path / "bi-mat.png")
    settings.HELP_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_a_chapter_containing_a_script_renders_it_as_text(client: Client, own_guide: Path) -> None:
    page = client.get(reverse("help:chapter", args=["01-thu"])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<p>&lt;script&gt;alert(2)&lt;/script&gt;</p>" in page
    assert '<img src="/huong-dan/anh/01-anh.png" alt="Ảnh" loading="lazy">' in page
    assert '<span class="missing-image">Ảnh lạ</span>' in page
    index = client.get(reverse("help:index")).content.decode()
    assert '<a href="/huong-dan/01-thu/">Chương thử</a>' in index
    assert "02-khong" not in index  # a link to no chapter keeps its text only
    assert "Không hiện" not in index  # a file whose name is not a chapter's is left out
    assert client.get("/huong-dan/Bad_Name/").status_code == 404


@pytest.mark.django_db
def test_pictures_are_served_by_whitelisted_name_only(client: Client, own_guide: Path) -> None:
    response = client.get(reverse("help:image", args=["01-anh.png"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    for name in ["x.svg", "khong-co.png", "02-lien-ket.png", "..%2Fbi-mat.png", ".an.png"]:
        assert client.get(f"/huong-dan/anh/{name}").status_code == 404, name
    assert client.get("/huong-dan/anh/../bi-mat.png").status_code in {301, 404}


@pytest.mark.django_db
def test_the_top_bar_links_to_the_guide(client: Client, world: World) -> None:
    assert 'href="/huong-dan/"' in client.get(reverse("accounts:login")).content.decode()
    client.force_login(world.users["commune_officer"])
    assert 'href="/huong-dan/"' in client.get(reverse("home")).content.decode()
