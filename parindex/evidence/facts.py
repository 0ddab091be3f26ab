"""What a Vietnamese state document is, read from its text (pure: no database, no files).

Documents in the format of Nghị định 30/2020/NĐ-CP carry their facts in fixed places: the issuing
body top left ("UBND HUYỆN ..." then "ỦY BAN NHÂN DÂN XÃ ..."), the number and symbol under it
("Số: 35/KH-UBND", "Số: 12/2023/QĐ-UBND"), the place and date top right ("An Bình, ngày 27 tháng 01
năm 2023"), the kind in capitals as the title ("KẾ HOẠCH") with the summary (trích yếu) under
it, and the signature block last ("TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH" / the signer's name). An
official letter (công văn) has no title: its symbol names the body only ("Số: 123/UBND-VP"),
and its summary is the "V/v ..." line under the number.

`read_facts(text)` finds them in text from a PDF's text layer, a Word file or OCR. OCR merges the
two header columns into one line and drops or swaps accents now and then, so every pattern is
matched on a folded copy of the text (no accents, lower case, "đ" as "d") whose characters stand
at the same places as the original's: what is found is cut from the original text.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# The kinds of documents, by code, with their Vietnamese names (as a title writes them).
KINDS: dict[str, str] = {
    "ke_hoach": "Kế hoạch",
    "bao_cao": "Báo cáo",
    "quyet_dinh": "Quyết định",
    "thong_bao": "Thông báo",
    "cong_van": "Công văn",
    "to_trinh": "Tờ trình",
    "nghi_quyet": "Nghị quyết",
    "chi_thi": "Chỉ thị",
    "huong_dan": "Hướng dẫn",
    "chuong_trinh": "Chương trình",
    "quy_che": "Quy chế",
    "quy_dinh": "Quy định",
    "de_an": "Đề án",
    "phuong_an": "Phương án",
    "bien_ban": "Biên bản",
    "giay_moi": "Giấy mời",
    "ket_luan": "Kết luận",
}

# Abbreviations of the kinds in a symbol (NĐ 30/2020/NĐ-CP, appendix III), folded to upper case.
SYMBOLS: dict[str, str] = {
    "KH": "ke_hoach",
    "BC": "bao_cao",
    "QD": "quyet_dinh",
    "TB": "thong_bao",
    "TTR": "to_trinh",
    "NQ": "nghi_quyet",
    "CT": "chi_thi",
    "HD": "huong_dan",
    "CTR": "chuong_trinh",
    "QC": "quy_che",
    "QYD": "quy_dinh",
    "DA": "de_an",
    "PA": "phuong_an",
    "BB": "bien_ban",
    "GM": "giay_moi",
    "KL": "ket_luan",
}

# Issuing bodies that may open a symbol: with no kind before them, the document is a công văn.
BODIES = {"UBND", "HDND", "VP", "VPUB", "BCD", "DU", "BTV", "MTTQ", "CA", "BQL", "TTHC"}

_TITLES = {KINDS[code].upper(): code for code in KINDS if code != "cong_van"}

_NUMBER = re.compile(
    r"\bs[oô]\s*[:.;]?\s*(\d{1,5}[a-z]?(?:\s*/\s*(?:19|20)\d\d)?\s*/\s*"
    r"[a-z0-9]{1,6}(?:\s*-\s*[a-z0-9]{1,10}){0,3})",
    re.IGNORECASE,
)
_BLANK_NUMBER = re.compile(r"\bso\s*[:.]?\s*[._…\s]*/\s*(?:(?:19|20)\d\d/)?[a-z]{1,6}-", re.I)
_DATE_WORDS = re.compile(
    r"ngay\s*(\d{1,2})\s*[,.]?\s*thang\s*(\d{1,2})\s*[,.]?\s*nam\s*((?:19|20)\d\d)"
)
_DATE_DIGITS = re.compile(r"ngay\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)")
_AUTHORITY = re.compile(
    r"^(?:tm|kt|tl|tuq|q)\s*\.|\b(?:pho )?chu tich\b|\btruong ban\b|\bgiam doc\b|"
    r"\bbi thu\b|\bnguoi lap\b|\bcong chuc\b"
)
_ISSUER_STARTS = (
    "uy ban nhan dan",
    "ubnd",
    "hoi dong",
    "van phong",
    "ban ",
    "phong ",
    "dang uy",
    "so ",
    "cong an",
    "truong ",
    "tram ",
    "mat tran",
    "doan ",
    "hoi ",
    "to ",
    "bo phan",
    "trung tam",
)
_OFFICE = re.compile(r"(?:PHÓ )?CHỦ TỊCH|(?:PHÓ )?TRƯỞNG BAN|(?:PHÓ )?GIÁM ĐỐC|(?:PHÓ )?BÍ THƯ")
_NATIONAL = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc")
_NAME_WORD = r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+"
_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,5}}$")
_SUMMARY_STOP = re.compile(
    r"^(?:can cu|kinh gui|thuc hien|i\s*[.:]|1\s*[.:]|a\)|dieu\s+\d|phan\s+[ivx1]|noi nhan)"
)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐÐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    return base.lower() if len(base) == 1 else char


def fold(text: str) -> str:
    """The text without accents, in lower case, "đ" as "d"; each character stays in its place."""
    return "".join(_fold_char(char) for char in text)


def clean(text: str) -> str:
    """Text as the parser reads it: composed Unicode (NFC), one kind of "Đ", no stray controls."""
    text = unicodedata.normalize("NFC", text).replace("Ð", "Đ").replace("\u00a0", " ")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return re.sub(r"[ \t]+", " ", text)


@dataclass
class Facts:
    """What was read; empty strings and None where nothing was found."""

    kind: str = ""  # a code of KINDS
    kind_from: str = ""  # "title", "symbol", "title+symbol"
    number: str = ""  # "35/KH-UBND", without "Số:"
    issued_on: dt.date | None = None
    issuer: str = ""
    summary: str = ""
    signer: str = ""
    signer_title: str = ""
    draft: bool = False  # "DỰ THẢO" on the page, or a number left blank ("Số:    /QĐ-UBND")
    years: list[int] = field(default_factory=list)  # years the summary names ("năm 2023")

    @property
    def kind_name(self) -> str:
        return KINDS.get(self.kind, "")

    @property
    def confidence(self) -> int:
        """0–100: how much of the document's identity was found (and agrees with itself)."""
        score = 0
        if self.kind:
            score += 35 if self.kind_from == "title+symbol" else 25
        if self.number:
            score += 25
        if self.issued_on:
            score += 25
        if self.issuer:
            score += 5
        if self.summary or self.signer:
            score += 10
        return min(score, 100)


def kind_of_symbol(number: str) -> str:
    """The kind a number's symbol names: "35/KH-UBND" → ke_hoach, "123/UBND-VP" → cong_van."""
    parts = [p for p in fold(number).upper().replace(" ", "").split("/") if p]
    if len(parts) < 2:
        return ""
    code = parts[-1].split("-")[0]
    if code in SYMBOLS:
        return SYMBOLS[code]
    if code in BODIES:
        return "cong_van"
    return ""


def kind_of_words(text: str) -> str:
    """The kind a phrase starts with: "Quyết định công bố ..." → quyet_dinh ("" if none)."""
    folded = fold(text).strip().upper()
    best = ""
    for title, _code in _TITLES.items():
        name = fold(title).upper()
        if (folded == name or folded.startswith(name + " ")) and len(name) > len(best):
            best = name
    return _TITLES_FOLDED.get(best, "")


_TITLES_FOLDED = {fold(title).upper(): code for title, code in _TITLES.items()}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n")]


def _strip_national(line: str) -> str:
    """A header line without the national title and motto that OCR glued to it."""
    folded = fold(line)
    for phrase in _NATIONAL:
        at = folded.find(phrase)
        if at >= 0:
            line = line[:at] + line[at + len(phrase) :]
            folded = folded[:at] + folded[at + len(phrase) :]
    return line.strip(" -—–_|")


def _title_index(lines: list[str]) -> tuple[int, str]:
    for index, line in enumerate(lines):
        folded = fold(_strip_national(line)).upper().strip(" :.")
        folded = re.sub(r"\s+", " ", folded)
        if folded in _TITLES_FOLDED and line.strip() == line.strip().upper():
            return index, _TITLES_FOLDED[folded]
    return -1, ""


def _number(text: str, folded: str, end: int) -> tuple[str, int]:
    """The number and symbol in the header (before the title: the legal grounds cite others)."""
    match = _NUMBER.search(folded, 0, end)
    if match is None:
        return "", -1
    number = re.sub(r"\s+", "", text[match.start(1) : match.end(1)])
    # OCR reads the capital O of a symbol as a zero now and then.
    head, _, tail = number.rpartition("/")
    if re.search(r"[A-Za-zĐ]", tail):
        tail = re.sub(r"(?<=[A-ZĐ])0|0(?=[A-ZĐ])", "O", tail)
    return f"{head}/{tail}", match.start()


def _date(folded: str, before: int) -> dt.date | None:
    found: list[tuple[int, dt.date, bool]] = []
    for pattern in (_DATE_WORDS, _DATE_DIGITS):
        for match in pattern.finditer(folded):
            try:
                day = dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            except ValueError:
                continue
            placed = "," in folded[max(0, match.start() - 3) : match.start()]
            found.append((match.start(), day, placed))
    if not found:
        return None
    found.sort(key=lambda f: f[0])
    head = [f for f in found if before < 0 or f[0] < before]
    for candidates in ([f for f in head if f[2]], head, [f for f in found if f[2]], found):
        if candidates:
            return candidates[0][1]
    return None


def _issuer(lines: list[str], number_line: int) -> str:
    head = []
    for line in lines[: number_line if number_line >= 0 else 8]:
        part = _strip_national(line)
        folded = fold(part)
        date = re.search(r"[^,]*,\s*ngay\s*\d", folded)
        if date:
            part = part[: date.start()].strip()
        if part and part == part.upper() and re.search(r"[A-ZĐ]", part):
            head.append(part)
    if not head:
        return ""
    start = 0
    for index, line in enumerate(head):
        if fold(line).startswith(_ISSUER_STARTS):
            start = index
    return re.sub(r"\s+", " ", " ".join(head[start:])).strip()


def _summary(lines: list[str], title_at: int, number_line: int, kind: str) -> str:
    if kind == "cong_van" or title_at < 0:
        for line in lines[max(0, number_line) : max(0, number_line) + 4]:
            folded = fold(line)
            at = folded.find("v/v")
            if at >= 0:
                text = line[at + 3 :].strip(" :.")
                date = re.search(r"\s\S+(?:\s\S+){0,3},\s*ngay\s*\d", fold(text))
                return text[: date.start()].strip() if date else text
        return ""
    parts: list[str] = []
    for line in lines[title_at + 1 : title_at + 5]:
        folded = fold(line).strip()
        if not line:
            if parts:
                break
            continue
        if _SUMMARY_STOP.match(folded) or (line == line.upper() and len(line) > 3):
            break
        parts.append(line)
    return re.sub(r"\s+", " ", " ".join(parts)).strip(" .")


def _signer(lines: list[str]) -> tuple[str, str]:
    authority_at = -1
    title = ""
    for index, line in enumerate(lines):
        tail = line.split(";")[-1].strip()
        folded = fold(tail).strip()
        if _AUTHORITY.search(folded) and tail == tail.upper():
            authority_at = index
            office = _OFFICE.search(tail)
            title = tail[office.start() :] if office else tail
    if authority_at < 0:
        return "", ""
    for line in lines[authority_at + 1 : authority_at + 12]:
        candidate = line.strip(" .,;|")
        if candidate.startswith(("-", "+", "–")):
            continue
        if _NAME.match(candidate):
            return candidate, title.strip()
        # OCR leaves the recipients on the left of the name: take the name at the end.
        match = re.search(rf"(?:^|\s)({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,5}})$", candidate)
        if match and not fold(candidate).lstrip("- ").startswith(("luu", "noi nhan")):
            return match.group(1), title.strip()
    return "", title.strip()


def read_facts(text: str) -> Facts:
    """The facts of a document from its text (see the module docstring)."""
    text = clean(text)
    folded = fold(text)
    lines = _lines(text)
    facts = Facts()

    title_at, title_kind = _title_index(lines)
    title_offset = (
        sum(len(line) + 1 for line in text.split("\n")[:title_at]) if title_at >= 0 else -1
    )
    header_end = title_offset if title_offset >= 0 else min(len(folded), 600)
    number, number_at = _number(text, folded, header_end)
    facts.number = number
    number_line = text.count("\n", 0, number_at) if number_at >= 0 else -1
    symbol_kind = kind_of_symbol(number) if number else ""
    if title_kind and symbol_kind and title_kind == symbol_kind:
        facts.kind, facts.kind_from = title_kind, "title+symbol"
    elif title_kind:
        facts.kind, facts.kind_from = title_kind, "title"
    elif symbol_kind:
        facts.kind, facts.kind_from = symbol_kind, "symbol"

    facts.issued_on = _date(folded, title_offset)
    facts.issuer = _issuer(lines, number_line)
    facts.summary = _summary(lines, title_at, number_line, facts.kind)[:500]
    facts.signer, facts.signer_title = _signer(lines)
    facts.draft = bool(re.search(r"\bdu thao\b", folded[:2000])) or bool(
        not number and _BLANK_NUMBER.search(folded[:2000])
    )
    facts.years = sorted(
        {int(y) for y in re.findall(r"\bnam\s+((?:19|20)\d\d)\b", fold(facts.summary))}
    )
    return facts
