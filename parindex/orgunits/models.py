"""The tree of administrative units, with validity dates and merger lineage.

Before 1/7/2025: province -> district -> commune. Since then: province -> commune. Both trees live
side by side: a unit is valid from `valid_from` to `valid_to` (inclusive, open when empty), and a
merger is a `Succession` from each old unit to the new one, so earlier years stay readable.

Subtree queries use a materialised path of zero-padded ids ("/00000001/00000007/"): a unit
covers every unit whose path starts with its own. Units never move; a reorganisation creates
new units.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    OFFICE = "office", _("Office")


class Kind(models.TextChoices):
    # Province level
    TINH = "tinh", _("tỉnh")
    THANH_PHO_TW = "thanh_pho_tw", _("thành phố trực thuộc trung ương")
    # District level (until 30/6/2025)
    HUYEN = "huyen", _("huyện")
    THI_XA = "thi_xa", _("thị xã")
    THANH_PHO = "thanh_pho", _("thành phố thuộc tỉnh")
    QUAN = "quan", _("quận")
    # Commune level
    XA = "xa", _("xã")
    PHUONG = "phuong", _("phường")
    THI_TRAN = "thi_tran", _("thị trấn")
    DAC_KHU = "dac_khu", _("đặc khu")
    # Offices inside a level that own tasks (phòng Nội vụ, Văn phòng - Thống kê ...)
    CO_QUAN = "co_quan", _("cơ quan, phòng ban")


KIND_LEVEL: dict[str, str] = {
    Kind.TINH: Level.PROVINCE,
    Kind.THANH_PHO_TW: Level.PROVINCE,
    Kind.HUYEN: Level.DISTRICT,
    Kind.THI_XA: Level.DISTRICT,
    Kind.THANH_PHO: Level.DISTRICT,
    Kind.QUAN: Level.DISTRICT,
    Kind.XA: Level.COMMUNE,
    Kind.PHUONG: Level.COMMUNE,
    Kind.THI_TRAN: Level.COMMUNE,
    Kind.DAC_KHU: Level.COMMUNE,
    Kind.CO_QUAN: Level.OFFICE,
}

# Which parent levels each level may hang under.
ALLOWED_PARENT_LEVELS: dict[str, set[str | None]] = {
    Level.PROVINCE: {None},
    Level.DISTRICT: {Level.PROVINCE},
    Level.COMMUNE: {Level.DISTRICT, Level.PROVINCE},
    Level.OFFICE: {Level.PROVINCE, Level.DISTRICT, Level.COMMUNE},
}


class UnitQuerySet(models.QuerySet["Unit"]):
    def valid_on(self, day: dt.date) -> UnitQuerySet:
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def within(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything below it."""
        return self.filter(path__startswith=unit.path)

    def communes(self) -> UnitQuerySet:
        return self.filter(level=Level.COMMUNE)


class Unit(models.Model):
    code = models.CharField(
        _("code"), max_length=20, help_text=_("Official administrative unit code")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            # The 2025 list reuses old communes' codes: a code is unique per start date.
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="unit_code_valid_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]
        indexes = [models.Index(fields=["level", "valid_from"])]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def covers(self, other: Unit) -> bool:
        """True when `other` is this unit or below it."""
        return bool(self.path) and other.path.startswith(self.path)

    def ancestors(self) -> list[Unit]:
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


class Succession(models.Model):
    """An old unit continued by a new one (a merger, a split, a renaming)."""

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("old unit"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("new unit"), on_delete=models.CASCADE, related_name="predecessions"
    )
    effective_on = models.DateField(_("effective on"))
    is_main = models.BooleanField(
        _("main successor"),
        default=True,
        help_text=_("When an old unit was split, the successor that carries its history."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    # The old unit's weight in the new one (e.g. its population), used to compare a merged
    # commune's index with its predecessors' weighted result; empty = equal shares.
    weight = models.DecimalField(
        _("weight (e.g. population)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
