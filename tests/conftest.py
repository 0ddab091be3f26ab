"""Shared fixtures: a province with two communes (A and B) and one account per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from parindex.accounts.models import Role, User
from parindex.orgunits.models import Kind, Unit
from tests import factories


@dataclass
class World:
    province: Unit
    commune_a: Unit
    commune_b: Unit
    office_a: Unit
    other_province: Unit
    commune_c: Unit
    users: dict[str, User]


@pytest.fixture
def world(db: None) -> World:
    province = factories.unit("Tỉnh Thử Nghiệm", Kind.TINH, code="91")
    commune_a = factories.unit("Xã An Bình", Kind.XA, province, code="91001")
    commune_b = factories.unit("Phường Bình Minh", Kind.PHUONG, province, code="91002")
    office_a = factories.unit(
        "Văn phòng - Thống kê xã An Bình", Kind.CO_QUAN, commune_a, code="91001-VP"
    )
    other_province = factories.unit("Tỉnh Khác", Kind.TINH, code="92")
    commune_c = factories.unit("Xã Khác", Kind.XA, other_province, code="92001")
    users = {
        "system_admin": factories.user("admin", role=Role.SYSTEM_ADMIN, on=province),
        "secretariat": factories.user("secretariat", role=Role.SECRETARIAT, on=province),
        "appraiser": factories.user("appraiser", role=Role.APPRAISER, on=province),
        "council": factories.user("council", role=Role.COUNCIL, on=province),
        "commune_leader": factories.user("leader_a", role=Role.COMMUNE_LEADER, on=commune_a),
        "commune_officer": factories.user("officer_a", role=Role.COMMUNE_OFFICER, on=commune_a),
        "viewer": factories.user("viewer", role=Role.VIEWER, on=province),
        "no_role": factories.user("norole", unit=commune_a),
        "officer_b": factories.user("officer_b", role=Role.COMMUNE_OFFICER, on=commune_b),
        "secretariat_other": factories.user(
            "secretariat_other", role=Role.SECRETARIAT, on=other_province
        ),
    }
    return World(province, commune_a, commune_b, office_a, other_province, commune_c, users)
