"""Checks on an uploaded import file (Excel, CSV or YAML), made by the form before any parser
opens it.

Evidence documents have their own, stricter checks (assessments/uploads.py); import files are
read by openpyxl or a YAML/CSV parser right away, so a form accepts one only when:

- it is not empty and not larger than IMPORT_MAX_MB;
- its content is what the form takes, read from the bytes, not the name: an Excel workbook is a
  ZIP whose directory holds [Content_Types].xml and xl/workbook.xml (and is not a zip bomb); a
  CSV or YAML file is UTF-8 text without NUL bytes and does not start like a known binary format;
- its name's extension agrees with that content.

Use: `forms.FileField(validators=[ImportFile("xlsx", "csv")])`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from parindex.assessments.uploads import UploadRefusedError, check_upload

TEXT_KINDS = {"csv": (".csv",), "yaml": (".yaml", ".yml")}
BINARY_STARTS = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"MZ")
NAMES = {"xlsx": "Excel (.xlsx)", "csv": "CSV (.csv)", "yaml": "YAML (.yaml)"}


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_MB", 10)) * 1024 * 1024


@deconstructible
class ImportFile:
    def __init__(self, *kinds: str) -> None:
        self.kinds = kinds

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ImportFile) and other.kinds == self.kinds

    def __call__(self, upload: Any) -> None:
        limit = max_bytes()
        name = str(getattr(upload, "name", "") or "")
        allowed = ", ".join(NAMES[k] for k in self.kinds)
        if not upload.size:
            raise ValidationError(_("The file is empty."), code="empty")
        if upload.size > limit:
            raise ValidationError(
                _("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
                code="too_large",
            )
        upload.seek(0)
        head = upload.read(limit + 1)
        upload.seek(0)
        extension = "." + name.rpartition(".")[2].lower() if "." in name else ""
        if extension == ".xlsx" and "xlsx" in self.kinds:
            try:
                checked = check_upload(name, head, max_bytes=limit)
            except UploadRefusedError as exc:
                raise ValidationError(exc.message, code=exc.code) from None
            if checked.kind == "xlsx":
                return
        for kind, extensions in TEXT_KINDS.items():
            if kind in self.kinds and extension in extensions and _is_text(head):
                return
        accepted = {".xlsx"} if "xlsx" in self.kinds else set()
        for kind in self.kinds:
            accepted.update(TEXT_KINDS.get(kind, ()))
        if extension not in accepted:
            if self.kinds == ("xlsx", "csv"):
                message = _("Please upload an .xlsx or .csv file.")
            else:
                message = _("Please upload a file of this kind: %(allowed)s.") % {
                    "allowed": allowed
                }
            raise ValidationError(message, code="extension")
        raise ValidationError(
            _(
                "“%(name)s” is not a file this import reads. Choose a file of this kind: "
                "%(allowed)s, saved by the program itself (not renamed)."
            )
            % {"name": name[:80], "allowed": allowed},
            code="type_not_allowed",
        )


def _is_text(data: bytes) -> bool:
    if data.startswith(BINARY_STARTS) or b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True
