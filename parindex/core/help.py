"""The user guide in the app (*Hướng dẫn*): the Markdown chapters of docs/huong-dan/ as pages.

The pages hold no data, so they are public: a citizen reads the chapter on the survey form
without an account. Three views:

- `/huong-dan/` the table of contents (README.md), `/huong-dan/<chapter>/` one chapter: only
  the files `docs/huong-dan/<name>.md` whose name is plain (lower-case letters, digits, hyphens);
- `/huong-dan/anh/<name>` a picture of `docs/huong-dan/anh/`, by a whitelisted name
  (`01-dang-nhap.png`), with its content type and `nosniff`.

`render_markdown` is a small Markdown renderer for what the guide uses — headings, paragraphs,
bold and italic, inline code, code blocks, lists (nested), tables, block quotes, rules, links and
images. It is safe by construction: every piece of the source is HTML-escaped before any tag is
written, raw HTML is never passed through (a `<script>` in a chapter shows as text), and a link
or an image keeps its target only when the resolver given accepts it (http(s), mailto, the app's
own paths, anchors; the help views add the chapters and the pictures). Anything else keeps its
text without a link.

The folder is `settings.HELP_DIR` when set (tests), else `docs/huong-dan` of the project.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

app_name = "help"

INDEX = "README"
CHAPTER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}\.(png|jpg|jpeg|webp)$")
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}

Resolver = Callable[[str, bool], str | None]


# ---------------------------------------------------------------------------------------------
# Markdown → HTML


_SAFE_SCHEME = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_ANCHOR = re.compile(r"^#[\w-]+$")
_APP_PATH = re.compile(r"^/(?!/)[\w\-./?=&#%]*$")


def safe_target(url: str, image: bool) -> str | None:
    """The default resolver: web links, mail, anchors and the app's own paths; no images."""
    if image:
        return None
    if _SAFE_SCHEME.match(url) or _ANCHOR.match(url) or _APP_PATH.match(url):
        return url
    return None


def heading_id(text: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces → "-"
    (Vietnamese letters kept: "## Tải tài liệu" → "tải-tài-liệu")."""
    plain = re.sub(r"[^\w\s-]", "", text.lower())
    return re.sub(r"\s", "-", plain.strip())


_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+&quot;([^&]*)&quot;)?\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", re.S)
_TOKEN = re.compile(r"\x00(\d+)\x00")


class _Inline:
    """Inline Markdown of one block, escaped first; finished pieces wait as \\x00N\\x00."""

    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve
        self.pieces: list[str] = []

    def _keep(self, fragment: str) -> str:
        self.pieces.append(fragment)
        return f"\x00{len(self.pieces) - 1}\x00"

    def render(self, raw: str) -> str:
        raw = raw.replace("\x00", "")
        # Code spans, then backslash escapes, first: nothing inside them is Markdown.
        raw = _CODE.sub(
            lambda m: self._keep(f"<code>{html.escape(m.group(2).strip())}</code>"), raw
        )
        raw = _ESCAPED.sub(lambda m: self._keep(html.escape(m.group(1))), raw)
        text = html.escape(raw)
        text = _IMAGE.sub(self._image, text)
        text = _LINK.sub(self._link, text)
        text = self._emphasis(text)
        return self._restore(text)

    def _emphasis(self, text: str) -> str:
        text = _BOLD.sub(r"<strong>\1</strong>", text)
        return _ITALIC.sub(r"<em>\1</em>", text)

    def _restore(self, text: str) -> str:
        while _TOKEN.search(text):
            text = _TOKEN.sub(lambda m: self.pieces[int(m.group(1))], text)
        return text

    def _target(self, escaped_url: str, image: bool) -> str | None:
        url = html.unescape(self._restore(escaped_url))
        if any(c in url for c in "<>\"'`\\ \t\n"):
            return None
        target = self.resolve(url, image)
        return None if target is None else html.escape(target)

    def _image(self, m: re.Match[str]) -> str:
        alt = m.group(1)
        src = self._target(m.group(2), True)
        if src is None:
            return self._keep(f'<span class="missing-image">{alt}</span>')
        return self._keep(f'<img src="{src}" alt="{alt}" loading="lazy">')

    def _link(self, m: re.Match[str]) -> str:
        label = self._emphasis(m.group(1))
        href = self._target(m.group(2), False)
        if href is None:
            return self._keep(label)
        external = ' rel="noopener noreferrer"' if _SAFE_SCHEME.match(html.unescape(href)) else ""
        return self._keep(f'<a href="{href}"{external}>{label}</a>')


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LONE_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)\s]+\)$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return bool(
        _HEADING.match(stripped)
        or _FENCE.match(line)
        or _ITEM.match(line)
        or stripped.startswith(">")
        or (stripped.startswith("|") and stripped.endswith("|"))
        or _RULE.match(line)
    )


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [cell.strip() for cell in _CELL_SPLIT.split(line)]


class _Blocks:
    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve

    def inline(self, text: str) -> str:
        return _Inline(self.resolve).render(text)

    def render(self, lines: list[str], *, tight: bool = False) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if not stripped:
                i += 1
                continue
            if _FENCE.match(line):
                fence = _FENCE.match(line).group(1)  # type: ignore[union-attr]
                body: list[str] = []
                i += 1
                while i < len(lines) and not lines[i].strip().startswith(fence):
                    body.append(lines[i])
                    i += 1
                out.append(f"<pre><code>{html.escape(chr(10).join(body))}</code></pre>")
                i += 1
                continue
            heading = _HEADING.match(stripped)
            if heading:
                level = len(heading.group(1))
                text = heading.group(2)
                anchor = html.escape(heading_id(re.sub(r"[`*]", "", text)))
                out.append(f'<h{level} id="{anchor}">{self.inline(text)}</h{level}>')
                i += 1
                continue
            if _RULE.match(line):
                out.append("<hr>")
                i += 1
                continue
            if stripped.startswith(">"):
                quoted: list[str] = []
                while i < len(lines) and lines[i].strip().startswith(">"):
                    quoted.append(re.sub(r"^\s*>\s?", "", lines[i]))
                    i += 1
                out.append(f"<blockquote>{''.join(self.render(quoted))}</blockquote>")
                continue
            if (
                stripped.startswith("|")
                and i + 1 < len(lines)
                and _TABLE_SEPARATOR.match(lines[i + 1])
            ):
                i = self._table(lines, i, out)
                continue
            item = _ITEM.match(line)
            if item:
                i = self._list(lines, i, item, out)
                continue
            if _LONE_IMAGE.match(stripped) and not tight:
                alt = re.match(r"^!\[([^\]]*)\]", stripped).group(1)  # type: ignore[union-attr]
                caption = self.inline(alt) if alt else ""
                figure = self.inline(stripped)
                out.append(
                    f"<figure>{figure}<figcaption>{caption}</figcaption></figure>"
                    if caption
                    else f"<figure>{figure}</figure>"
                )
                i += 1
                continue
            paragraph = [stripped]
            i += 1
            while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                paragraph.append(lines[i].strip())
                i += 1
            text = self.inline("\n".join(paragraph))
            out.append(text if tight else f"<p>{text}</p>")
        return out

    def _table(self, lines: list[str], i: int, out: list[str]) -> int:
        head = _cells(lines[i])
        aligns = [
            "num" if cell.endswith(":") and not cell.startswith(":") else ""
            for cell in _cells(lines[i + 1])
        ]
        i += 2
        rows: list[list[str]] = []
        while i < len(lines) and lines[i].strip().startswith("|"):
            rows.append(_cells(lines[i]))
            i += 1

        def cell(tag: str, text: str, n: int) -> str:
            klass = f' class="{aligns[n]}"' if n < len(aligns) and aligns[n] else ""
            return f"<{tag}{klass}>{self.inline(text)}</{tag}>"

        header = "".join(cell("th", text, n) for n, text in enumerate(head))
        body = "".join(
            "<tr>"
            + "".join(cell("td", row[n] if n < len(row) else "", n) for n in range(len(head)))
            + "</tr>"
            for row in rows
        )
        out.append(
            f'<div class="table-wrap"><table><thead><tr>{header}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )
        return i

    def _list(self, lines: list[str], i: int, first: re.Match[str], out: list[str]) -> int:
        """A list from its first item on, with the items nested in it; the next line's index."""
        base = len(first.group(1))
        ordered = first.group(2)[0].isdigit()
        items: list[tuple[int, list[str]]] = []  # (the content's indentation, its lines)
        loose = False
        blank = False
        while i < len(lines):
            line = lines[i]
            item = _ITEM.match(line)
            if not line.strip():
                blank = True
                i += 1
                continue
            if item and len(item.group(1)) == base:
                if item.group(2)[0].isdigit() != ordered:
                    break
                loose = loose or (blank and bool(items))
                width = base + len(item.group(2)) + 1
                items.append((width, [" " * width + item.group(3)]))
            elif _indent(line) > base:
                width, item_lines = items[-1]
                # a nested list written with less indentation than the content still nests
                item_lines.append(line if _indent(line) >= width else " " * width + line.strip())
            elif not blank and not _starts_block(line):
                width, item_lines = items[-1]
                item_lines.append(" " * width + line.strip())  # a lazy continuation line
            else:
                break
            blank = False
            i += 1
        tag = "ol" if ordered else "ul"
        rendered = []
        for width, item_lines in items:
            body = [line[width:] for line in item_lines]
            rendered.append(f"<li>{''.join(self.render(body, tight=not loose))}</li>")
        out.append(f"<{tag}>{''.join(rendered)}</{tag}>")
        return i


def render_markdown(text: str, *, resolve: Resolver = safe_target) -> str:
    """The HTML of a Markdown text: escaped, with only the links `resolve` accepts."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ").split("\n")
    return "\n".join(_Blocks(resolve).render(lines))


# ---------------------------------------------------------------------------------------------
# The guide's files


def guide_dir() -> Path:
    return Path(getattr(settings, "HELP_DIR", settings.BASE_DIR / "docs" / "huong-dan"))


@dataclass(frozen=True)
class Chapter:
    name: str  # the file's name without .md
    title: str
    url: str


def _title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        heading = _HEADING.match(line.strip())
        if heading and len(heading.group(1)) == 1:
            return re.sub(r"[`*]", "", heading.group(2))
    return fallback


def _url(name: str) -> str:
    return reverse("help:index") if name == INDEX else reverse("help:chapter", args=[name])


def chapters() -> list[Chapter]:
    """The table of contents first, then every chapter in the order of their names."""
    folder = guide_dir()
    found: list[Chapter] = []
    for file in sorted(folder.glob("*.md")):
        name = file.stem
        if name != INDEX and not CHAPTER_NAME.match(name):
            continue
        found.append(Chapter(name, _title(file.read_text(encoding="utf-8"), name), _url(name)))
    found.sort(key=lambda c: (c.name != INDEX, c.name))
    return found


_CHAPTER_LINK = re.compile(r"^(?:\./)?([A-Za-z0-9-]+)\.md(#[\w-]+)?$")
_IMAGE_LINK = re.compile(r"^(?:\./)?anh/([^/]+)$")


def guide_resolver(names: set[str]) -> Resolver:
    """Links between chapters (`02-to-thu-ky.md#...`) and pictures (`anh/…png`) made into the
    help pages' addresses; the rest as `safe_target` says."""

    def resolve(url: str, image: bool) -> str | None:
        picture = _IMAGE_LINK.match(url)
        if picture:
            name = picture.group(1)
            return reverse("help:image", args=[name]) if IMAGE_NAME.match(name) else None
        if image:
            return None
        chapter = _CHAPTER_LINK.match(url)
        if chapter:
            name = chapter.group(1)
            if name not in names:
                return None
            return _url(name) + (chapter.group(2) or "")
        return safe_target(url, image)

    return resolve


# ---------------------------------------------------------------------------------------------
# Views


def _page(request: HttpRequest, name: str) -> HttpResponse:
    contents = chapters()
    current = next((c for c in contents if c.name == name), None)
    if current is None:
        raise Http404
    text = (guide_dir() / f"{name}.md").read_text(encoding="utf-8")
    body = render_markdown(text, resolve=guide_resolver({c.name for c in contents}))
    index = contents.index(current)
    return render(
        request,
        "core/help.html",
        {
            "chapters": contents,
            "current": current,
            "body": mark_safe(body),  # noqa: S308 — every piece escaped by render_markdown
            "lang": "en" if name.endswith("-en") else "vi",
            "previous": contents[index - 1] if index > 0 else None,
            "next": contents[index + 1] if index + 1 < len(contents) else None,
        },
    )


@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    return _page(request, INDEX)


@require_GET
def help_chapter(request: HttpRequest, name: str) -> HttpResponse:
    if name == INDEX or not CHAPTER_NAME.match(name):
        raise Http404
    return _page(request, name)


@require_GET
def help_image(request: HttpRequest, name: str) -> FileResponse:
    """A picture of the guide: a plain name of the folder anh/, nothing else."""
    match = IMAGE_NAME.match(name)
    if match is None:
        raise Http404
    folder = guide_dir() / "anh"
    file = folder / name
    if not file.is_file() or file.resolve().parent != folder.resolve():
        raise Http404
    response = FileResponse(file.open("rb"), content_type=IMAGE_TYPES[match.group(1)])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response


urlpatterns = [
    path("", help_index, name="index"),
    path("anh/<str:name>", help_image, name="image"),
    path("<str:name>/", help_chapter, name="chapter"),
]
