"""Password rules beyond Django's own (length, common passwords, all digits, like the username)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndOthersValidator:
    """A password holds letters and at least one digit or symbol ("matkhaudai" is refused)."""

    def validate(self, password: str, user: Any = None) -> None:
        has_letter = any(c.isalpha() for c in password)
        has_other = any(not c.isalpha() for c in password)
        if not (has_letter and has_other):
            raise ValidationError(
                _("The password must contain letters and at least one digit or symbol."),
                code="password_letters_and_others",
            )

    def get_help_text(self) -> str:
        return _("Your password must contain letters and at least one digit or symbol.")
