"""The unit tree: create_unit, validity, subtrees, mergers, the 2025 national list, the demo."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count

from parindex.accounts.models import RoleGrant, User
from parindex.audit.models import AuditAction, AuditEntry
from parindex.core.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from parindex.orgunits.actions import create_unit, record_succession
from parindex.orgunits.exceptions import InvalidParentError
from parindex.orgunits.models import Kind, Level, Succession, Unit
from parindex.orgunits.national import REFORM_DAY, load_2025_units
from parindex.orgunits.selectors import Lineage, find_by_code, lineage
from tests import factories
from tests.conftest import World

OLD_DAY = dt.date(2020, 1, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)


def _make(code: str, kind: str, parent: Unit | None = None, **kwargs: object) -> Unit:
    return create_unit(
        by=None,
        code=code,
        name=f"Đơn vị {code}",
        kind=kind,
        parent=parent,
        valid_from=kwargs.pop("valid_from", REFORM_DAY),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


# --- create_unit ----------------------------------------------------------------------------


def test_create_unit_sets_level_and_path_and_is_audited(db: None) -> None:
    province = _make("95", Kind.TINH)
    district = _make("950", Kind.HUYEN, province, valid_from=OLD_DAY, valid_to=LAST_OLD_DAY)
    commune = _make("95001", Kind.THI_TRAN, district, valid_from=OLD_DAY)
    office = _make("95001-VP", Kind.CO_QUAN, commune, valid_from=OLD_DAY)
    assert [u.level for u in (province, district, commune, office)] == [
        Level.PROVINCE,
        Level.DISTRICT,
        Level.COMMUNE,
        Level.OFFICE,
    ]
    assert province.path == f"/{province.pk:08d}/"
    assert district.path == f"/{province.pk:08d}/{district.pk:08d}/"
    assert commune.path == f"{district.path}{commune.pk:08d}/"
    assert office.path == f"{commune.path}{office.pk:08d}/"
    saved = Unit.objects.get(pk=office.pk)
    assert (saved.path, saved.level, saved.parent_id) == (office.path, Level.OFFICE, commune.pk)

    entry = AuditEntry.objects.get(action=AuditAction.UNIT_CREATE, object_id=str(district.pk))
    assert (entry.actor, entry.actor_name, entry.unit) == (None, "", district)
    assert entry.object_type == "orgunits.unit"
    assert entry.object_repr == "Đơn vị 950"
    assert entry.new_value == {
        "code": "950",
        "name": "Đơn vị 950",
        "kind": "huyen",
        "parent": {"id": province.pk, "repr": "Đơn vị 95"},
        "valid_from": "2020-01-01",
        "valid_to": "2025-06-30",
    }
    assert AuditEntry.objects.filter(action=AuditAction.UNIT_CREATE).count() == 4


def test_create_unit_strips_code_and_name_and_may_skip_the_audit(world: World) -> None:
    before = AuditEntry.objects.count()
    unit = create_unit(
        by=world.users["secretariat"],
        code="  91077 ",
        name="  Xã Có Dấu Cách  ",
        kind=Kind.XA,
        parent=world.province,
        valid_from=REFORM_DAY,
        audit=False,
    )
    assert (unit.code, unit.name) == ("91077", "Xã Có Dấu Cách")
    assert AuditEntry.objects.count() == before


def test_create_unit_audit_names_the_actor(world: World) -> None:
    unit = create_unit(
        by=world.users["secretariat"],
        code="91078",
        name="Xã Người Tạo",
        kind=Kind.XA,
        parent=world.province,
        valid_from=REFORM_DAY,
    )
    entry = AuditEntry.objects.get(action=AuditAction.UNIT_CREATE, object_id=str(unit.pk))
    assert (entry.actor, entry.actor_name) == (world.users["secretariat"], "secretariat")


@pytest.mark.parametrize(
    ("kind", "parent_kind"),
    [
        (Kind.TINH, Kind.TINH),
        (Kind.THANH_PHO_TW, Kind.TINH),
        (Kind.HUYEN, None),
        (Kind.QUAN, Kind.HUYEN),
        (Kind.THI_XA, Kind.XA),
        (Kind.XA, None),
        (Kind.PHUONG, Kind.XA),
        (Kind.THI_TRAN, Kind.CO_QUAN),
        (Kind.DAC_KHU, None),
        (Kind.CO_QUAN, None),
        (Kind.CO_QUAN, Kind.CO_QUAN),
    ],
)
def test_invalid_parent_levels_raise(db: None, kind: str, parent_kind: str | None) -> None:
    province = _make("95", Kind.TINH)
    parents = {
        Kind.TINH: province,
        Kind.HUYEN: _make("950", Kind.HUYEN, province),
        Kind.XA: _make("95001", Kind.XA, province),
    }
    parents[Kind.CO_QUAN] = _make("95001-VP", Kind.CO_QUAN, parents[Kind.XA])
    count = Unit.objects.count()
    with pytest.raises(InvalidParentError):
        _make("96", kind, parents[parent_kind] if parent_kind else None)
    assert Unit.objects.count() == count


@pytest.mark.parametrize(
    ("kind", "parent_kind"),
    [
        (Kind.TINH, None),
        (Kind.THANH_PHO_TW, None),
        (Kind.HUYEN, Kind.TINH),
        (Kind.XA, Kind.HUYEN),
        (Kind.PHUONG, Kind.TINH),
        (Kind.DAC_KHU, Kind.TINH),
        (Kind.CO_QUAN, Kind.TINH),
        (Kind.CO_QUAN, Kind.HUYEN),
        (Kind.CO_QUAN, Kind.XA),
    ],
)
def test_valid_parent_levels_are_accepted(db: None, kind: str, parent_kind: str | None) -> None:
    province = _make("95", Kind.TINH)
    parents = {
        Kind.TINH: province,
        Kind.HUYEN: _make("950", Kind.HUYEN, province),
        Kind.XA: _make("95001", Kind.XA, province),
    }
    unit = _make("96", kind, parents[parent_kind] if parent_kind else None)
    assert unit.parent == (parents[parent_kind] if parent_kind else None)


def test_create_unit_refuses_a_reversed_range_and_a_duplicate_code_and_start(world: World) -> None:
    count = Unit.objects.count()
    with pytest.raises(ValidationError):
        _make("91080", Kind.XA, world.province, valid_to=dt.date(2025, 6, 30))
    with pytest.raises(ValidationError):
        _make("91001", Kind.XA, world.province)  # 91001 from 01/07/2025 exists
    assert Unit.objects.count() == count
    # The same code from another day is a different unit.
    old = _make("91001", Kind.XA, world.province, valid_from=OLD_DAY, valid_to=LAST_OLD_DAY)
    assert old.pk != world.commune_a.pk


# --- queries --------------------------------------------------------------------------------


def test_valid_on_includes_both_ends(db: None) -> None:
    old = _make("95", Kind.TINH, valid_from=OLD_DAY, valid_to=LAST_OLD_DAY)
    new = _make("96", Kind.TINH)
    one_day = _make("97", Kind.TINH, valid_from=dt.date(2024, 3, 1), valid_to=dt.date(2024, 3, 1))

    def codes(day: dt.date) -> list[str]:
        return sorted(Unit.objects.valid_on(day).values_list("code", flat=True))

    assert codes(dt.date(2019, 12, 31)) == []
    assert codes(OLD_DAY) == ["95"]
    assert codes(dt.date(2024, 3, 1)) == ["95", "97"]
    assert codes(dt.date(2024, 3, 2)) == ["95"]
    assert codes(LAST_OLD_DAY) == ["95"]
    assert codes(REFORM_DAY) == ["96"]
    assert codes(dt.date(2099, 1, 1)) == ["96"]
    assert old.is_valid_on(LAST_OLD_DAY)
    assert not old.is_valid_on(REFORM_DAY)
    assert not new.is_valid_on(LAST_OLD_DAY)
    assert new.is_valid_on(dt.date(2099, 1, 1))
    assert one_day.is_valid_on(dt.date(2024, 3, 1))
    assert not one_day.is_valid_on(dt.date(2024, 2, 29))


def test_within_is_the_unit_and_its_subtree(world: World) -> None:
    def codes(unit: Unit) -> list[str]:
        return list(Unit.objects.within(unit).values_list("code", flat=True))

    # Ordered by path: parents before children.
    assert codes(world.province) == ["91", "91001", "91001-VP", "91002"]
    assert codes(world.commune_a) == ["91001", "91001-VP"]
    assert codes(world.commune_b) == ["91002"]
    assert codes(world.other_province) == ["92", "92001"]
    assert list(Unit.objects.within(world.province).communes().values_list("code", flat=True)) == [
        "91001",
        "91002",
    ]


def test_paths_of_ids_with_a_common_prefix_do_not_overlap(db: None) -> None:
    """Ids 1 and 10 must not cover each other: the path is zero-padded and ends with '/'."""
    units = [_make(f"{95 + i}", Kind.TINH) for i in range(11)]
    first, tenth_after = units[0], units[10]
    assert not first.covers(tenth_after)
    assert list(Unit.objects.within(first)) == [first]


def test_covers(world: World) -> None:
    assert world.province.covers(world.province)
    assert world.province.covers(world.commune_a)
    assert world.province.covers(world.office_a)
    assert world.commune_a.covers(world.office_a)
    assert not world.commune_a.covers(world.province)
    assert not world.commune_a.covers(world.commune_b)
    assert not world.office_a.covers(world.commune_a)
    assert not world.other_province.covers(world.commune_a)
    assert not world.province.covers(world.commune_c)
    # A unit without a path (never saved) covers nothing.
    assert not Unit(code="x", name="x", kind=Kind.TINH).covers(world.province)


def test_ancestors_from_the_top(world: World) -> None:
    assert world.office_a.ancestors() == [world.province, world.commune_a]
    assert world.commune_b.ancestors() == [world.province]
    assert world.province.ancestors() == []


def test_find_by_code_picks_the_unit_of_that_day(db: None) -> None:
    old = _make("95", Kind.TINH, valid_from=OLD_DAY, valid_to=LAST_OLD_DAY)
    new = _make("95", Kind.TINH)
    assert find_by_code("95", on=dt.date(2024, 1, 1)) == old
    assert find_by_code("95", on=LAST_OLD_DAY) == old
    assert find_by_code("95", on=REFORM_DAY) == new
    assert find_by_code("95", on=dt.date(2019, 1, 1)) is None
    assert find_by_code("96", on=REFORM_DAY) is None


# --- mergers --------------------------------------------------------------------------------


def test_record_succession_ends_the_old_unit_the_day_before(world: World) -> None:
    old = factories.unit("Xã Cũ", Kind.XA, world.province, code="91090", valid_from=OLD_DAY)
    assert old.valid_to is None
    link = record_succession(
        by=world.users["secretariat"],
        predecessor=old,
        successor=world.commune_a,
        effective_on=REFORM_DAY,
        legal_basis="Nghị quyết 1234/NQ-UBTVQH15",
    )
    old.refresh_from_db()
    assert old.valid_to == LAST_OLD_DAY
    assert old.is_valid_on(LAST_OLD_DAY)
    assert not old.is_valid_on(REFORM_DAY)
    saved = Succession.objects.get(pk=link.pk)
    assert (saved.predecessor, saved.successor, saved.effective_on, saved.is_main) == (
        old,
        world.commune_a,
        REFORM_DAY,
        True,
    )
    assert str(saved) == "Xã Cũ → Xã An Bình"
    entry = AuditEntry.objects.get(action=AuditAction.UNIT_SUCCESSION)
    assert (entry.actor_name, entry.unit, entry.object_type, entry.object_id) == (
        "secretariat",
        old,
        "orgunits.succession",
        str(link.pk),
    )
    assert entry.new_value == {
        "predecessor": {"id": old.pk, "repr": "Xã Cũ"},
        "successor": {"id": world.commune_a.pk, "repr": "Xã An Bình"},
        "effective_on": "2025-07-01",
        "legal_basis": "Nghị quyết 1234/NQ-UBTVQH15",
    }


def test_record_succession_keeps_an_earlier_end(world: World) -> None:
    old = factories.unit(
        "Xã Đã Hết",
        Kind.XA,
        world.province,
        code="91091",
        valid_from=OLD_DAY,
        valid_to=dt.date(2024, 12, 31),
    )
    later = factories.unit(
        "Xã Hết Sau",
        Kind.XA,
        world.province,
        code="91092",
        valid_from=OLD_DAY,
        valid_to=dt.date(2030, 1, 1),
    )
    record_succession(by=None, predecessor=old, successor=world.commune_a, effective_on=REFORM_DAY)
    old.refresh_from_db()
    assert old.valid_to == dt.date(2024, 12, 31)
    # A later end date is brought back to the day before.
    record_succession(
        by=None, predecessor=later, successor=world.commune_a, effective_on=REFORM_DAY
    )
    later.refresh_from_db()
    assert later.valid_to == LAST_OLD_DAY


def test_record_succession_refuses_self_and_duplicates(world: World) -> None:
    old = factories.unit("Xã Cũ", Kind.XA, world.province, code="91090", valid_from=OLD_DAY)
    with pytest.raises(ValidationError):
        record_succession(by=None, predecessor=old, successor=old, effective_on=REFORM_DAY)
    old.refresh_from_db()
    assert old.valid_to is None  # nothing changed on a refused link
    record_succession(by=None, predecessor=old, successor=world.commune_a, effective_on=REFORM_DAY)
    with pytest.raises(ValidationError):
        record_succession(
            by=None, predecessor=old, successor=world.commune_a, effective_on=REFORM_DAY
        )
    assert Succession.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.UNIT_SUCCESSION).count() == 1


def test_lineage_lists_predecessors_and_successors(world: World) -> None:
    old_1 = factories.unit("Xã Cũ Một", Kind.XA, world.province, code="91095", valid_from=OLD_DAY)
    old_2 = factories.unit("Xã Cũ Hai", Kind.XA, world.province, code="91096", valid_from=OLD_DAY)
    record_succession(
        by=None, predecessor=old_1, successor=world.commune_a, effective_on=REFORM_DAY
    )
    record_succession(
        by=None, predecessor=old_2, successor=world.commune_a, effective_on=REFORM_DAY
    )
    record_succession(
        by=None,
        predecessor=old_2,
        successor=world.commune_b,
        effective_on=REFORM_DAY,
        is_main=False,
    )
    new_lineage = lineage(world.commune_a)
    assert sorted(u.code for u in new_lineage.predecessors) == ["91095", "91096"]
    assert new_lineage.successors == []
    split = lineage(old_2)
    assert split.predecessors == []
    assert sorted(u.code for u in split.successors) == ["91001", "91002"]
    assert lineage(world.commune_c) == Lineage(predecessors=[], successors=[])


# --- the official 2025 list -----------------------------------------------------------------


def test_load_hai_phong_is_idempotent(db: None) -> None:
    result = load_2025_units(province_codes={"31"})
    assert (result.provinces, result.communes, result.created) == (1, 114, 115)
    city = Unit.objects.get(code="31", valid_from=REFORM_DAY)
    assert (city.name, city.kind, city.level, city.parent, city.valid_to) == (
        "Thành phố Hải Phòng",
        Kind.THANH_PHO_TW,
        Level.PROVINCE,
        None,
        None,
    )
    assert city.path == f"/{city.pk:08d}/"
    communes = Unit.objects.filter(parent=city)
    assert communes.count() == 114
    assert set(communes.values_list("level", flat=True)) == {Level.COMMUNE}
    assert set(communes.values_list("valid_from", flat=True)) == {REFORM_DAY}
    assert all(u.path == f"{city.path}{u.pk:08d}/" for u in communes)
    assert all(len(u.code) == 5 and u.code.isdigit() for u in communes)
    assert Unit.objects.within(city).communes().valid_on(REFORM_DAY).count() == 114
    thanh_mien = communes.get(code="11239")
    assert (thanh_mien.name, thanh_mien.kind) == ("Xã Thanh Miện", Kind.XA)
    assert Unit.objects.count() == 115

    again = load_2025_units(province_codes={"31"})
    assert (again.provinces, again.communes, again.created) == (1, 114, 0)
    assert Unit.objects.count() == 115


def test_load_units_vn_command(db: None) -> None:
    out = io.StringIO()
    call_command("load_units_vn", "--province", "31", stdout=out)
    assert out.getvalue() == "1 provinces, 114 communes in the list; 115 units created.\n"
    out = io.StringIO()
    call_command("load_units_vn", "--province", "31", stdout=out)
    assert out.getvalue() == "1 provinces, 114 communes in the list; 0 units created.\n"


# The 34 province codes of the 2025 list.
PROVINCE_CODES = (  # noqa: SIM905 - easier to read than 34 quoted strings
    "01 04 08 11 12 14 15 19 20 22 24 25 31 33 37 38 40 42 "
    "44 46 48 51 52 56 66 68 75 79 80 82 86 91 92 96"
).split()


def test_national_load_of_every_province_but_ha_noi(db: None) -> None:
    codes = set(PROVINCE_CODES) - {"01"}
    result = load_2025_units(province_codes=codes)
    assert (result.provinces, result.communes, result.created) == (33, 3321 - 126, 33 + 3195)
    by_level = dict(Unit.objects.values_list("level").annotate(n=Count("id")))
    assert by_level == {Level.PROVINCE: 33, Level.COMMUNE: 3195}
    assert set(Unit.objects.filter(level=Level.PROVINCE).values_list("code", flat=True)) == codes
    assert Counter(Unit.objects.filter(level=Level.PROVINCE).values_list("kind", flat=True)) == {
        Kind.TINH: 28,
        Kind.THANH_PHO_TW: 5,
    }
    assert set(Unit.objects.filter(level=Level.COMMUNE).values_list("kind", flat=True)) == {
        Kind.XA,
        Kind.PHUONG,
        Kind.DAC_KHU,
    }
    assert not Unit.objects.filter(path="").exists()
    assert not Unit.objects.filter(level=Level.COMMUNE, parent__isnull=True).exists()
    assert all(
        u.path == f"{u.parent.path}{u.pk:08d}/"
        for u in Unit.objects.filter(level=Level.COMMUNE).select_related("parent")
    )
    again = load_2025_units(province_codes=codes)
    assert (again.provinces, again.communes, again.created) == (33, 3195, 0)
    assert Unit.objects.count() == 3228


def test_full_national_load(db: None) -> None:
    result = load_2025_units()
    assert (result.provinces, result.communes, result.created) == (34, 3321, 3355)
    by_level = dict(Unit.objects.values_list("level").annotate(n=Count("id")))
    assert by_level == {Level.PROVINCE: 34, Level.COMMUNE: 3321}
    assert Counter(Unit.objects.filter(level=Level.PROVINCE).values_list("kind", flat=True)) == {
        Kind.TINH: 28,
        Kind.THANH_PHO_TW: 6,
    }
    assert Unit.objects.get(code="01").name == "Thành phố Hà Nội"
    assert load_2025_units().created == 0
    assert Unit.objects.count() == 3355


def test_ha_noi_ward_codes_have_five_digits(db: None) -> None:
    result = load_2025_units(province_codes={"01"})
    assert (result.provinces, result.communes, result.created) == (1, 126, 127)
    assert Unit.objects.get(name="Phường Ba Đình").code == "00004"
    assert Unit.objects.get(name="Phường Ba Đình").parent.code == "01"
    codes = Unit.objects.filter(level=Level.COMMUNE).values_list("code", flat=True)
    assert {len(code) for code in codes} == {5}


# --- the demo -------------------------------------------------------------------------------


def test_load_demo_twice_is_idempotent(db: None) -> None:
    first = load_demo()
    assert first["users"] == len(DEMO_USERS) == 8
    assert first["frameworks"] == 3
    assert first["cycles"] == 1
    assert first["results"] == 2
    assert first["plans"] == 2
    counts = (
        Unit.objects.count(),
        Succession.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        AuditEntry.objects.count(),
    )
    assert first["units"] == counts[0]
    second = load_demo()
    assert second["units"] == counts[0]
    assert {key: n for key, n in second.items() if key != "units"} == dict.fromkeys(
        set(second) - {"units"}, 0
    )
    assert (
        Unit.objects.count(),
        Succession.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_demo_units_before_and_after_the_reform(db: None) -> None:
    load_demo()
    old_day = dt.date(2023, 12, 31)
    district = Unit.objects.valid_on(old_day).get(code="300")
    assert (district.name, district.kind, district.valid_to) == (
        "Huyện Thanh Miện",
        Kind.HUYEN,
        LAST_OLD_DAY,
    )
    assert district.parent.code == "30"
    communes = Unit.objects.valid_on(old_day).within(district).communes()
    assert communes.count() == 17
    assert set(communes.values_list("parent", flat=True)) == {district.pk}
    assert Unit.objects.valid_on(REFORM_DAY).within(district).count() == 0
    # 114 communes of Hải Phòng since the reform.
    city = Unit.objects.valid_on(REFORM_DAY).get(code="31")
    assert Unit.objects.valid_on(REFORM_DAY).within(city).communes().count() == 114
    # Offices on both sides of the reform.
    assert Unit.objects.get(code="300-NV").parent == district
    assert Unit.objects.get(code="300-NV").valid_to == LAST_OLD_DAY
    assert Unit.objects.get(code="11239-VP").parent.valid_from == REFORM_DAY

    town = Unit.objects.get(code="11239", valid_from=OLD_DAY)
    commune = Unit.objects.get(code="11239", valid_from=REFORM_DAY)
    assert town.pk != commune.pk
    assert (town.name, town.kind, town.valid_to) == (
        "Thị trấn Thanh Miện",
        Kind.THI_TRAN,
        LAST_OLD_DAY,
    )
    assert (commune.name, commune.kind, commune.valid_to) == ("Xã Thanh Miện", Kind.XA, None)
    main = Succession.objects.get(predecessor=town, successor=commune)
    assert (main.is_main, main.effective_on) == (True, REFORM_DAY)
    side = Succession.objects.get(predecessor=town, successor__code="11065")
    assert side.is_main is False
    assert sorted(u.code for u in lineage(commune).predecessors) == [
        "11239",
        "11269",
        "11275",
        "11278",
    ]
    old_province = Unit.objects.get(code="30")
    assert Succession.objects.get(predecessor=old_province).successor == city
    assert old_province.valid_to == LAST_OLD_DAY


def test_demo_users_have_their_roles(db: None) -> None:
    load_demo()
    for username, full_name, title, role, unit_code, fields in DEMO_USERS:
        user = User.objects.get(username=username)
        assert (user.full_name, user.job_title, user.unit.code) == (full_name, title, unit_code)
        assert user.unit.valid_from == REFORM_DAY
        assert user.check_password(DEMO_PASSWORD)
        grant = RoleGrant.objects.active().get(user=user)
        assert (grant.role, grant.unit, grant.field_codes) == (role, user.unit, fields)


def test_load_demo_command(db: None) -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"Demo loaded: {Unit.objects.count()} units, 8 new accounts, 3 new frameworks, "
        "1 new assessment cycle, 2 new cycles with published results."
    )
    assert lines[1] == f"Demo accounts (password {DEMO_PASSWORD}):"
    assert lines[2].split() == ["quantri", "system_admin", "@", "31"]
    assert len(lines) == 2 + len(DEMO_USERS)
