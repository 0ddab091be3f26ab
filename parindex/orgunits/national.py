"""Load the official 2025 unit list (34 provinces, 3,321 communes) from `vietnam-provinces`.

Idempotent: units already saved (same code, valid from 01/07/2025) are left as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import Province, VietNamDivisionType, Ward

from parindex.orgunits.models import KIND_LEVEL, Kind, Unit

REFORM_DAY = dt.date(2025, 7, 1)

KIND_OF: dict[VietNamDivisionType, str] = {
    VietNamDivisionType.TINH: Kind.TINH,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: Kind.THANH_PHO_TW,
    VietNamDivisionType.XA: Kind.XA,
    VietNamDivisionType.PHUONG: Kind.PHUONG,
    VietNamDivisionType.DAC_KHU: Kind.DAC_KHU,
}


@dataclass(frozen=True)
class LoadResult:
    provinces: int
    communes: int
    created: int


def province_code(value: object) -> str:
    """A province code as officially written: 2 digits ('01')."""
    return f"{int(value):02d}"  # type: ignore[call-overload]


def commune_code(value: object) -> str:
    """A commune code as officially written: 5 digits ('00004'), never a province's."""
    return f"{int(value):05d}"  # type: ignore[call-overload]


def load_2025_units(*, province_codes: set[str] | None = None) -> LoadResult:
    provinces = [
        p
        for p in Province.iter_all()
        if province_codes is None or province_code(p.code) in province_codes
    ]
    created = 0
    communes = 0
    with transaction.atomic():
        existing = {
            u.code: u for u in Unit.objects.filter(valid_from=REFORM_DAY, parent__isnull=True)
        }
        for province in provinces:
            code = province_code(province.code)
            parent = existing.get(code)
            if parent is None:
                kind = KIND_OF[province.division_type]
                parent = Unit.objects.create(
                    code=code,
                    name=province.name,
                    kind=kind,
                    level=KIND_LEVEL[kind],
                    valid_from=REFORM_DAY,
                )
                parent.path = f"/{parent.pk:08d}/"
                parent.save(update_fields=["path"])
                created += 1
            saved = set(
                Unit.objects.filter(parent=parent, valid_from=REFORM_DAY).values_list(
                    "code", flat=True
                )
            )
            new_units = []
            for ward in Ward.iter_by_province(province.code):
                communes += 1
                ward_code = commune_code(ward.code)
                if ward_code in saved:
                    continue
                kind = KIND_OF[ward.division_type]
                new_units.append(
                    Unit(
                        code=ward_code,
                        name=ward.name,
                        kind=kind,
                        level=KIND_LEVEL[kind],
                        parent=parent,
                        valid_from=REFORM_DAY,
                    )
                )
            # Paths need ids: create, then set paths in one bulk update.
            made = Unit.objects.bulk_create(new_units, batch_size=500)
            if made and made[0].pk is None:  # a backend that does not return ids
                made = list(Unit.objects.filter(parent=parent, valid_from=REFORM_DAY, path=""))
            for unit in made:
                unit.path = f"{parent.path}{unit.pk:08d}/"
            Unit.objects.bulk_update(made, ["path"], batch_size=500)
            created += len(made)
    return LoadResult(provinces=len(provinces), communes=communes, created=created)
