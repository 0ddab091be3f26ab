"""The Vietnamese catalogue is complete, its compiled .mo is current, and the UI switches language.

After adding or changing a UI string:
    DEBUG=1 .venv/bin/python manage.py makemessages -l vi -l en \
        --ignore=.venv --ignore=var --ignore=tests --ignore=scripts
fill in the msgstr in locale/vi/LC_MESSAGES/django.po (remove "#, fuzzy" once checked), then
    DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv
and commit both the .po and the .mo.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

LOCALE = Path(settings.BASE_DIR) / "locale"


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def mo_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.mo"


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if not (len(text) >= 2 and text[0] == text[-1] == '"'):
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    # A PO string uses C escapes (\n \t \" \\), which a Python string literal also understands.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # the keyword the next continuation line extends

    def finish() -> None:
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line:
            finish()
        elif line.startswith("#"):
            if target is not None and target[0] in ("msgstr", "msgstr[]"):
                finish()  # a comment after msgstr starts the next entry
            if line.startswith("#,"):
                entry = entry or Entry(line=number)
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            # other comments (#:, #., #|, #~, translator comments) carry no catalogue data
        elif line.startswith('"'):
            if entry is None or target is None:
                raise ValueError(f"{where}: continuation line outside an entry")
            value = _unquote(line, where)
            keyword, index = target
            if keyword == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif keyword == "msgid":
                entry.msgid += value
            elif keyword == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            else:
                entry.msgstr[index] += value
        else:
            keyword, _, rest = line.partition(" ")
            value = _unquote(rest, where)
            if keyword in ("msgctxt", "msgid") and target and target[0] in ("msgstr", "msgstr[]"):
                finish()  # no blank line between two entries
            entry = entry or Entry(line=number)
            if keyword == "msgctxt":
                entry.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = value, ("msgid_plural", 0)
            elif keyword == "msgstr":
                entry.msgstr[0], target = value, ("msgstr", 0)
            elif keyword.startswith("msgstr[") and keyword.endswith("]"):
                index = int(keyword[len("msgstr[") : -1])
                entry.msgstr[index], target = value, ("msgstr[]", index)
            else:
                raise ValueError(f"{where}: unknown keyword {keyword!r}")
    finish()
    return [e for e in entries if e.msgstr or e.msgid]


def compile_po(entries: list[Entry]) -> dict[str | tuple[str, int], str]:
    """The catalogue msgfmt would write, keyed as gettext.GNUTranslations keys its _catalog:
    translated, non-fuzzy entries only; plural forms under (msgid, index); header left out."""
    catalogue: dict[str | tuple[str, int], str] = {}
    for e in entries:
        if e.msgid == "" or "fuzzy" in e.flags or not any(e.msgstr.values()):
            continue
        if e.msgid_plural is None:
            catalogue[e.key] = e.msgstr[0]
        else:
            for index, text in e.msgstr.items():
                catalogue[(e.key, index)] = text
    return catalogue


def load_mo(path: Path) -> dict[str | tuple[str, int], str]:
    with path.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    catalogue = dict(translations._catalog)  # type: ignore[attr-defined]
    catalogue.pop("", None)  # the header
    return catalogue


def test_vietnamese_catalogue_is_complete() -> None:
    entries = parse_po(po_path("vi"))
    header = next(e for e in entries if e.msgid == "")
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    messages = [e for e in entries if e.msgid != ""]
    assert len(messages) > 100, "the parser found too few entries"
    empty = [e.msgid for e in messages if not all(e.msgstr.values())]
    assert not empty, f"untranslated in locale/vi: {empty}"
    plural_shape = [e.msgid for e in messages if e.msgid_plural and sorted(e.msgstr) != [0]]
    assert not plural_shape, f"Vietnamese has one plural form (msgstr[0] only): {plural_shape}"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_catalogue_has_no_fuzzy_entry(lang: str) -> None:
    fuzzy = [e.msgid for e in parse_po(po_path(lang)) if "fuzzy" in e.flags]
    assert not fuzzy, f"check and unflag the fuzzy entries in locale/{lang}: {fuzzy}"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_compiled_catalogue_matches_po(lang: str) -> None:
    expected = compile_po(parse_po(po_path(lang)))
    compiled = load_mo(mo_path(lang))
    stale = {k: (v, compiled.get(k)) for k, v in expected.items() if compiled.get(k) != v}
    extra = sorted(str(k) for k in compiled.keys() - expected.keys())
    hint = "run: DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv"
    assert not stale, f"locale/{lang} .mo differs from the .po ({hint}): {stale}"
    assert not extra, f"locale/{lang} .mo has entries no longer in the .po ({hint}): {extra}"


def test_placeholders_are_kept() -> None:
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")
    wrong = []
    for e in parse_po(po_path("vi")):
        if e.msgid == "":
            continue
        wanted = sorted(placeholder.findall(e.msgid))
        for text in e.msgstr.values():
            if sorted(placeholder.findall(text)) != wanted:
                wrong.append(e.msgid)
    assert not wrong, f"placeholders differ from the msgid: {wrong}"


def test_login_page_is_vietnamese_then_english(db: None) -> None:
    client = Client()
    page = client.get("/dang-nhap/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đăng nhập" in text
    assert "Log in" not in text

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/dang-nhap/"

    page = client.get("/dang-nhap/")
    text = page.content.decode()
    assert 'lang="en"' in text
    assert "Log in" in text
    assert "Đăng nhập" not in text


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed (CI has it)")
def test_every_ui_string_of_the_source_is_in_the_catalogue(tmp_path: Path) -> None:
    """Extract the strings afresh from a copy of the source and compare with the committed .po.

    A copy, because makemessages always writes into the project's own locale/ folder.
    """
    root = Path(settings.BASE_DIR)
    for folder in ("config", "parindex", "templates"):
        shutil.copytree(
            root / folder,
            tmp_path / folder,
            ignore=shutil.ignore_patterns("__pycache__", "migrations"),
        )
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale" / "vi" / "LC_MESSAGES").mkdir(parents=True)
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    fresh = {
        e.key for e in parse_po(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po") if e.msgid
    }
    committed = {e.key for e in parse_po(po_path("vi")) if e.msgid}
    assert sorted(fresh - committed) == [], "run makemessages and translate the new strings"
