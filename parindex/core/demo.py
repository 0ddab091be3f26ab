"""The demo: one province before and after the 2025 reform, offices, and one account per role.

2023 (three levels): Tỉnh Hải Dương → Huyện Thanh Miện → its 17 communes (seed 001), with the
official codes. Since 01/07/2025 (two levels): Thành phố Hải Phòng and its 114 communes from
`vietnam-provinces`; Hải Dương merged into it, and the 17 communes into seven new ones (links in
`orgunits/data/demo_thanh_mien_2025_successions.csv`). The old list comes from the MIT-licensed
`vietnamadminunits` data; start dates before 2025 are illustrative (01/01/2020).

Passwords are for the demo only and are listed in README.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction

from parindex.accounts.actions import create_user, grant_role
from parindex.accounts.models import Role, User
from parindex.orgunits.actions import create_unit, record_succession
from parindex.orgunits.importers import import_successions, import_units
from parindex.orgunits.models import Kind, Succession, Unit
from parindex.orgunits.national import REFORM_DAY, load_2025_units

DATA = Path(__file__).resolve().parent.parent / "orgunits" / "data"
DEMO_PASSWORD = "demo-ParIndex-2026"  # noqa: S105 - the demo's published password
PROVINCE_LAW = "Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội"

# username, full name, job title, role, unit code (valid today), limited fields
DEMO_USERS: list[tuple[str, str, str, str, str, list[str]]] = [
    ("quantri", "Quản trị hệ thống", "Quản trị viên", Role.SYSTEM_ADMIN, "31", []),
    ("sonoivu", "Nguyễn Thị Hoa", "Chuyên viên Sở Nội vụ", Role.SECRETARIAT, "31", []),
    ("thamdinh", "Trần Văn Minh", "Thành viên Tổ thư ký", Role.APPRAISER, "31", ["1", "2", "3"]),
    ("hoidong", "Lê Quang Huy", "Thành viên Hội đồng", Role.COUNCIL, "31", []),
    ("lanhdao.thanhmien", "Phạm Văn Tùng", "Chủ tịch UBND xã", Role.COMMUNE_LEADER, "11239", []),
    (
        "canbo.thanhmien",
        "Vũ Thị Lan",
        "Công chức Văn phòng - Thống kê",
        Role.COMMUNE_OFFICER,
        "11239",
        [],
    ),
    (
        "canbo.namthanhmien",
        "Đỗ Minh Châu",
        "Công chức Văn phòng - Thống kê",
        Role.COMMUNE_OFFICER,
        "11284",
        [],
    ),
    ("xem", "Hoàng Anh Đức", "Lãnh đạo UBND thành phố", Role.VIEWER, "31", []),
]

OFFICES_2023 = [("300", "300-NV", "Phòng Nội vụ huyện Thanh Miện")]
OFFICES_2025 = [
    ("31", "31-SNV", "Sở Nội vụ thành phố Hải Phòng"),
    ("11239", "11239-VP", "Văn phòng HĐND và UBND xã Thanh Miện"),
    ("11239", "11239-KT", "Phòng Kinh tế xã Thanh Miện"),
    ("11239", "11239-VHXH", "Phòng Văn hóa - Xã hội xã Thanh Miện"),
]


def _unit(code: str, day: dt.date) -> Unit:
    return Unit.objects.valid_on(day).get(
        code=code, kind__in=[k for k in Kind.values if k != Kind.CO_QUAN]
    )


def load_demo() -> dict[str, int]:
    with transaction.atomic():
        with (DATA / "demo_thanh_mien_2023.csv").open("rb") as handle:
            report = import_units(by=None, upload=handle, filename="demo_thanh_mien_2023.csv")
        if not report.ok:
            raise RuntimeError(f"demo units: {report.errors}")
        load_2025_units(province_codes={"31"})
        old_day, new_day = dt.date(2023, 12, 31), REFORM_DAY
        for day, offices in ((old_day, OFFICES_2023), (new_day, OFFICES_2025)):
            for parent_code, code, name in offices:
                parent = _unit(parent_code, day)
                if not Unit.objects.filter(code=code).exists():
                    # An office lives as long as its unit.
                    create_unit(
                        by=None,
                        code=code,
                        name=name,
                        kind=Kind.CO_QUAN,
                        parent=parent,
                        valid_from=parent.valid_from,
                        valid_to=parent.valid_to,
                    )
        old_province, new_province = _unit("30", old_day), _unit("31", new_day)
        if not Succession.objects.filter(predecessor=old_province).exists():
            record_succession(
                by=None,
                predecessor=old_province,
                successor=new_province,
                effective_on=new_day,
                legal_basis=PROVINCE_LAW,
            )
            # The district ends with the two-level government, without a successor.
        with (DATA / "demo_thanh_mien_2025_successions.csv").open("rb") as handle:
            report = import_successions(
                by=None, upload=handle, filename="demo_thanh_mien_2025_successions.csv"
            )
        if not report.ok:
            raise RuntimeError(f"demo mergers: {report.errors}")
        users = 0
        for username, full_name, title, role, unit_code, fields in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            unit = _unit(unit_code, new_day)
            user = create_user(
                by=None,
                username=username,
                full_name=full_name,
                email=f"{username}@demo.parindex.vn",
                unit=unit,
                password=DEMO_PASSWORD,
                job_title=title,
            )
            grant_role(
                by=None,
                user=user,
                role=role,
                unit=unit,
                field_codes=fields,
                valid_from=dt.date(2025, 7, 1),
            )
            users += 1
        from parindex.frameworks.demo import load_demo_frameworks

        frameworks = load_demo_frameworks()
        from parindex.assessments.demo import load_demo_cycle

        cycles = load_demo_cycle()
        from parindex.scoring.demo import load_demo_results

        results = load_demo_results()
        from parindex.plans.demo import load_demo_plans

        plans = load_demo_plans()
        from parindex.awards.demo import load_demo_awards

        awards = load_demo_awards()
    return {
        "units": Unit.objects.count(),
        "users": users,
        "frameworks": frameworks,
        "cycles": cycles,
        "results": results,
        "plans": plans,
        "awards": awards,
    }
