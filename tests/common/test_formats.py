"""Vietnamese formats: scores as 91,84 and 91,84/100, dates as 23/11/2026, audit values."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, get_format, localize

from parindex.common.templatetags.vn import change, out_of, points

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


# --- points ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (Decimal("91.84"), "91,84", "91.84"),
        ("91.84", "91,84", "91.84"),
        (Decimal("2.845"), "2,85", "2.85"),  # half up, not half even
        (Decimal("2.835"), "2,84", "2.84"),
        (Decimal("2.844999"), "2,84", "2.84"),
        (Decimal("-2.845"), "-2,85", "-2.85"),  # half away from zero
        (2.675, "2,68", "2.68"),  # the float's shortest text, not its binary value (2.67499...)
        (7, "7,00", "7.00"),
        (0, "0,00", "0.00"),
        (Decimal("100"), "100,00", "100.00"),
        (Decimal("0.005"), "0,01", "0.01"),
        (Decimal("0.004"), "0,00", "0.00"),
        (Decimal("1E+2"), "100,00", "100.00"),
    ],
)
def test_points(value: object, vi: str, en: str) -> None:
    with translation.override("vi"):
        assert points(value) == vi
    with translation.override("en"):
        assert points(value) == en


def test_points_with_other_places() -> None:
    with translation.override("vi"):
        assert points(Decimal("91.845"), 1) == "91,8"
        assert points(Decimal("91.85"), 1) == "91,9"
        assert points(Decimal("91.5"), 0) == "92"
        assert points(Decimal("91.4"), "0") == "91"
        assert points(Decimal("1.23456"), 4) == "1,2346"


@pytest.mark.parametrize("value", [None, ""])
def test_points_of_nothing_is_a_dash(value: object) -> None:
    with translation.override("vi"):
        assert points(value) == "—"


def test_points_of_text_is_left_as_it_is() -> None:
    with translation.override("vi"):
        assert points("chưa chấm") == "chưa chấm"


def test_points_groups_thousands() -> None:
    with translation.override("vi"):
        assert points(Decimal("1234.5")) == "1.234,50"
        assert points(Decimal("1234567.891")) == "1.234.567,89"
    with translation.override("en"):
        assert points(Decimal("1234.5")) == "1,234.50"


# --- out_of ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "maximum", "vi", "en"),
    [
        ("91.84", 100, "91,84/100", "91.84/100"),
        (Decimal("91.84"), Decimal("100.00"), "91,84/100", "91.84/100"),
        ("2.845", "3", "2,85/3", "2.85/3"),
        ("5", "10.5", "5,00/10,50", "5.00/10.50"),
        ("0.75", Decimal("0.75"), "0,75/0,75", "0.75/0.75"),
        (None, 100, "—/100", "—/100"),
        ("7", "1E+2", "7,00/100", "7.00/100"),
        ("7", "chưa có", "7,00", "7.00"),  # an unreadable maximum is left out
    ],
)
def test_out_of(value: object, maximum: object, vi: str, en: str) -> None:
    with translation.override("vi"):
        assert out_of(value, maximum) == vi
    with translation.override("en"):
        assert out_of(value, maximum) == en


def test_filters_in_a_template() -> None:
    template = Template(
        "{% load vn %}{{ score|points }} | {{ score|points:1 }} | {{ score|out_of:top }} | "
        "{{ day|date:'SHORT_DATE_FORMAT' }} | {{ day }} | {{ moment }}"
    )
    context = Context(
        {
            "score": Decimal("91.845"),
            "top": 100,
            "day": dt.date(2026, 11, 23),
            "moment": dt.datetime(2026, 11, 23, 14, 5, tzinfo=HANOI),
        }
    )
    with translation.override("vi"):
        assert template.render(context) == (
            "91,85 | 91,8 | 91,85/100 | 23/11/2026 | 23/11/2026 | 23/11/2026 14:05"
        )
    with translation.override("en"):
        assert template.render(context) == (
            "91.85 | 91.8 | 91.85/100 | 23/11/2026 | 23/11/2026 | 23/11/2026 14:05"
        )


# --- dates and numbers through Django's own formatting --------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_day_month_year_in_both_languages(language: str) -> None:
    day = dt.date(2026, 11, 23)
    with translation.override(language):
        assert date_format(day, "SHORT_DATE_FORMAT") == "23/11/2026"
        assert date_format(day, "DATE_FORMAT") == "23/11/2026"
        assert date_format(day) == "23/11/2026"
        assert date_format(dt.date(2026, 1, 5), "SHORT_DATE_FORMAT") == "05/01/2026"
        moment = dt.datetime(2026, 11, 23, 9, 7, tzinfo=HANOI)
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "23/11/2026 09:07"
        assert date_format(moment, "DATETIME_FORMAT") == "23/11/2026 09:07"
        assert localize(day) == "23/11/2026"
        assert get_format("FIRST_DAY_OF_WEEK") == 1


def test_vietnamese_month_names_and_number_separators() -> None:
    with translation.override("vi"):
        assert date_format(dt.date(2026, 11, 23), "YEAR_MONTH_FORMAT") == "tháng 11/2026"
        assert date_format(dt.date(2026, 11, 23), "MONTH_DAY_FORMAT") == "23/11"
        assert get_format("DECIMAL_SEPARATOR") == ","
        assert get_format("THOUSAND_SEPARATOR") == "."
        assert localize(Decimal("91.84")) == "91,84"
    with translation.override("en"):
        assert get_format("DECIMAL_SEPARATOR") == "."
        assert get_format("THOUSAND_SEPARATOR") == ","
        assert localize(Decimal("91.84")) == "91.84"


def test_forms_read_dates_and_decimals_as_written() -> None:
    with translation.override("vi"):
        assert forms.DateField().clean("23/11/2026") == dt.date(2026, 11, 23)
        assert forms.DateField().clean("23-11-2026") == dt.date(2026, 11, 23)
        assert forms.DateField().clean("2026-11-23") == dt.date(2026, 11, 23)
        assert forms.DecimalField(localize=True).clean("91,84") == Decimal("91.84")
        assert forms.DateTimeField().clean("23/11/2026 14:05") == dt.datetime(
            2026, 11, 23, 14, 5, tzinfo=HANOI
        )
    with translation.override("en"):
        assert forms.DateField().clean("23/11/2026") == dt.date(2026, 11, 23)
        assert forms.DecimalField(localize=True).clean("91.84") == Decimal("91.84")
        with pytest.raises(forms.ValidationError):
            forms.DateField().clean("11/23/2026")  # never month first


# --- change ---------------------------------------------------------------------------------


def test_change_reads_the_documented_example() -> None:
    value = {"name": "X", "unit": {"id": 3, "repr": "Xã Y"}}
    with translation.override("vi"):
        assert change(value) == "tên: X · đơn vị: Xã Y"
    with translation.override("en"):
        assert change(value) == "name: X · unit: Xã Y"


def test_change_of_a_model_reference_is_its_repr() -> None:
    assert change({"id": 3, "repr": "Xã Y"}) == "Xã Y"
    # Only an exact {id, repr} pair is a reference.
    with translation.override("en"):
        assert change({"id": 3, "repr": "Xã Y", "extra": 1}) == "id: 3 · repr: Xã Y · extra: 1"


def test_change_translates_codes_dates_and_yes_no() -> None:
    value = {
        "kind": "xa",
        "role": "commune_officer",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "is_active": False,
        "legal_basis": "",
        "field_codes": ["1", "2.3"],
        "created": 0,
        "score": "2.85",
    }
    with translation.override("vi"):
        assert change(value) == (
            "loại: xã · vai trò: Công chức xã · hiệu lực từ: 01/07/2025 · hiệu lực đến: — · "
            "đang hoạt động: không · căn cứ pháp lý: — · giới hạn theo lĩnh vực: 1, 2.3 · "
            "tạo mới: 0 · score: 2.85"
        )
    with translation.override("en"):
        assert change(value) == (
            "kind: commune · role: Commune officer · valid from: 01/07/2025 · valid to: — · "
            "active: no · legal basis: — · limited to fields: 1, 2.3 · created: 0 · score: 2.85"
        )


def test_change_of_plain_values() -> None:
    with translation.override("en"):
        assert change(None) == "—"
        assert change("") == "—"
        assert change([]) == "—"
        assert change(["a", {"id": 1, "repr": "Xã Z"}, None]) == "a, Xã Z, —"
        assert change(True) == "yes"
        assert change(0) == "0"
        assert change("2.85") == "2.85"
        assert change({"unknown_key": "v"}) == "unknown_key: v"
        # Values that only look like a date stay as they are.
        assert change({"code": "2025-13-45"}) == "code: 2025-13-45"
    with translation.override("vi"):
        assert change(True) == "có"
        assert change({"kind": "không phải loại"}) == "loại: không phải loại"


def test_change_nested_dicts_use_labels_at_every_level() -> None:
    with translation.override("vi"):
        assert change({"unit": {"name": "Xã A", "code": "91001"}}) == (
            "đơn vị: tên: Xã A · mã: 91001"
        )
