"""Checks on an uploaded evidence document (tài liệu kiểm chứng), made before anything is stored.

Evidence files are stored outside the web root and served only through a permission check, but
they are still opened later by appraisers on office computers and, for PDF and images, shown
inline by the browser. So an upload is accepted only when:

- its name is a plain file name (no path, no control characters, not too long): the name is kept
  for display and as the download name, never trusted as a storage path;
- it is neither empty nor larger than the configured limit;
- its *content* is a PDF, Word (.docx/.doc), Excel (.xlsx/.xls), PNG or JPEG file. The type is
  read from the first bytes (and, for .docx/.xlsx, from the ZIP directory), never from the name,
  because a name is whatever the sender typed: an executable renamed "bao-cao.pdf" is refused;
- the name's extension agrees with that content, so the file opens in the right program when it
  is downloaded and the content type sent with it is the true one.

Legacy .doc and .xls files share one container format (OLE2), so only there does the extension
decide between the two, and OLE2 content is accepted only under those two extensions.

Every refusal is an UploadRefusedError whose `code` says why and whose `message` says it to the
user in the active language.
"""

from __future__ import annotations

import hashlib
import io
import struct
import typing
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
MAX_NAME_LENGTH = 200
# A real .docx/.xlsx holds tens to a few hundred entries and expands to a few times its size;
# beyond these a file is a zip bomb or not an Office document at all.
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 200 * MB
# Chunks read from a file object: small enough to stay cheap, large enough to be few.
CHUNK_SIZE = 64 * 1024

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Every entry zipfile reads from a ZIP's central directory starts with this signature.
ZIP_CENTRAL_ENTRY = b"PK\x01\x02"

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
# The extensions a name may end in for each kind; the first is the one suggested on a mismatch.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "doc": (".doc",),
    "xls": (".xls",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
}
# The browser shows these inline; the others are downloaded and opened in Office.
PREVIEWABLE = frozenset({"pdf", "png", "jpeg"})

# Characters refused in a name: control (Cc), format (Cf: bidi overrides such as U+202E can make
# "xfdp.exe" display as "xexe.pdf"), surrogate and private-use ones, and line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})

MESSAGES = {
    "name_unsafe": _(
        "The file name “%(name)s” cannot be used. Rename the file with a short name without "
        "slashes or special characters, then attach it again."
    ),
    "empty": _("The file “%(name)s” is empty."),
    "too_large": _("The file “%(name)s” is larger than %(limit)s MB."),
    "type_not_allowed": _(
        "“%(name)s” is not a PDF, Word, Excel or image file: only those can be attached."
    ),
    "type_mismatch": _(
        "The name “%(name)s” does not match the file's content, which is a %(extension)s file. "
        "Rename the file to end in %(extension)s, then attach it again."
    ),
    "zip_suspicious": _(
        "“%(name)s” cannot be accepted: it unpacks to far more data than a Word or Excel file "
        "holds."
    ),
    "damaged": _(
        "“%(name)s” looks like a Word or Excel file but cannot be opened: it may be damaged. "
        "Save it again and attach the new copy."
    ),
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the original file name, cleaned for display and as the download name
    kind: str  # one of CONTENT_TYPES
    content_type: str
    size: int  # bytes
    sha256: str  # hex digest of the content
    previewable: bool  # the browser can show it inline


class UploadRefusedError(Exception):
    """An upload refused before anything is stored; `code` and `params` say why."""

    def __init__(self, code: str, **params: object) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown upload refusal code: {code!r}")
        super().__init__(code)
        self.code = code
        self.params: dict[str, object] = params

    def __str__(self) -> str:
        return f"{self.code} {self.params!r}"

    @property
    def message(self) -> str:
        """The sentence for the user, in the active language."""
        return str(MESSAGES[self.code]) % self.params


def check_upload(name: str, content: bytes | typing.BinaryIO, *, max_bytes: int) -> CheckedUpload:
    """The checked upload, or UploadRefusedError; a file object is left rewound when seekable."""
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    if isinstance(content, bytes | bytearray | memoryview):
        return _check(name, bytes(content), max_bytes=max_bytes)
    seekable = _is_seekable(content)
    try:
        if seekable:
            content.seek(0)  # the whole file is checked, wherever a previous reader left it
        return _check(name, content, max_bytes=max_bytes)
    finally:
        # The caller stores the file next; it must find it from the start, accepted or not.
        if seekable:
            content.seek(0)


def _check(name: str, content: bytes | typing.BinaryIO, *, max_bytes: int) -> CheckedUpload:
    clean = clean_name(name)
    data = content if isinstance(content, bytes) else _read_limited(content, max_bytes=max_bytes)
    if not data:
        raise UploadRefusedError("empty", name=clean)
    if len(data) > max_bytes:
        raise UploadRefusedError("too_large", name=clean, limit=_limit_mb(max_bytes))
    kind = _detect_kind(data, name=clean)
    if _extension(clean) not in EXTENSIONS[kind]:
        raise UploadRefusedError(
            "type_mismatch", name=clean, kind=kind, extension=EXTENSIONS[kind][0]
        )
    return CheckedUpload(
        name=clean,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        previewable=kind in PREVIEWABLE,
    )


def clean_name(name: str) -> str:
    """`name` NFC-normalised and stripped, or UploadRefusedError("name_unsafe")."""
    # macOS sends Vietnamese letters decomposed (NFD); stored names compare and sort as NFC.
    normal = unicodedata.normalize("NFC", name)
    # Control characters are looked for before stripping, which would hide a trailing newline.
    unsafe = (
        "/" in normal
        or "\\" in normal
        or any(unicodedata.category(char) in _UNSAFE_CATEGORIES for char in normal)
    )
    clean = normal.strip()
    # Without separators the name is its only path segment, so ".." is caught as "only dots".
    if unsafe or not clean.strip(". ") or len(clean) > MAX_NAME_LENGTH:
        raise UploadRefusedError("name_unsafe", name=_shown(normal))
    return clean


def _shown(name: str) -> str:
    """A refused name made fit to show back to the user: unsafe characters replaced, shortened."""
    shown = "".join(
        "\ufffd" if unicodedata.category(char) in _UNSAFE_CATEGORIES else char for char in name
    ).strip()
    return shown if len(shown) <= 80 else shown[:79] + "…"


def _is_seekable(stream: typing.BinaryIO) -> bool:
    seekable = getattr(stream, "seekable", None)
    return bool(seekable()) if callable(seekable) else False


def _read_limited(stream: typing.BinaryIO, *, max_bytes: int) -> bytes:
    """The stream's content, read in chunks and never more than max_bytes + 1 bytes of it.

    One byte past the limit is enough to know the file is too large, however large it is.
    """
    buffer = bytearray()
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = stream.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            break
        buffer += chunk
        remaining -= len(chunk)
    return bytes(buffer)


def _limit_mb(max_bytes: int) -> int:
    # Limits are set in whole megabytes; never tell the user "0 MB" for a tiny test limit.
    return max(1, round(max_bytes / MB))


def _extension(name: str) -> str:
    """The name's extension, dot included and lower-cased ("" when there is none)."""
    _stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot else ""


def _detect_kind(data: bytes, *, name: str) -> str:
    """The kind of `data` read from its bytes, or UploadRefusedError."""
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(PNG_MAGIC):
        return "png"
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(OLE2_MAGIC):
        # An OLE2 file may also be an installer (.msi), an Outlook message or a PowerPoint file;
        # only the name can tell a Word from an Excel one without parsing the container.
        extension = _extension(name)
        if extension in (".doc", ".xls"):
            return extension[1:]
        raise UploadRefusedError("type_not_allowed", name=name)
    if data.startswith(ZIP_MAGIC):
        return _office_kind(data, name=name)
    raise UploadRefusedError("type_not_allowed", name=name)


def _office_kind(data: bytes, *, name: str) -> str:
    """The kind of a ZIP holding a Word or Excel document, read from its directory alone."""
    # zipfile builds an object per directory entry before we could count them; a file made of
    # millions of tiny entries would cost far more memory than its size, so count signatures
    # first (each entry zipfile reads starts with one, so this count is an upper bound).
    if data.count(ZIP_CENTRAL_ENTRY) > MAX_ZIP_ENTRIES:
        raise UploadRefusedError("zip_suspicious", name=name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error):
        raise UploadRefusedError("damaged", name=name) from None
    # The sizes are the ones the archive declares: whoever later opens the file trusts them too.
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or sum(entry.file_size for entry in entries) > MAX_ZIP_UNCOMPRESSED
    ):
        raise UploadRefusedError("zip_suspicious", name=name)
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" in names:
        is_word = "word/document.xml" in names
        is_excel = "xl/workbook.xml" in names
        # Office never writes both; such a file would open differently in different programs.
        if is_word != is_excel:
            return "docx" if is_word else "xlsx"
    raise UploadRefusedError("type_not_allowed", name=name)
