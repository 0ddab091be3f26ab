"""Life cycle of a framework: edit a draft, publish only when valid, frozen once published, new
versions, comparison, and an audit entry for every change."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from parindex.audit.models import AuditEntry
from parindex.frameworks import actions
from parindex.frameworks.diff import ChangeKind, compare
from parindex.frameworks.library import shipped
from parindex.frameworks.models import Framework, Node, Status
from parindex.frameworks.rules import Level, LevelsRule, YesNoRule
from parindex.frameworks.selectors import problems_of, spec_of
from parindex.frameworks.spec import EvidenceSpec, NodeSpec
from tests.conftest import World

D = Decimal


@pytest.fixture
def draft(world: World) -> Framework:
    return actions.create_framework(
        by=world.users["secretariat"], owner=world.province, spec=shipped()
    )


def node(framework: Framework, code: str) -> Node:
    return Node.objects.prefetch_related("evidence").get(framework=framework, code=code)


def test_publish_a_valid_draft_then_it_is_frozen(world: World, draft: Framework) -> None:
    secretariat = world.users["secretariat"]
    actions.publish_framework(draft, by=secretariat)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_by == secretariat
    assert draft.published_at is not None
    entry = AuditEntry.objects.get(action="framework.publish")
    assert (entry.old_value, entry.new_value, entry.unit) == (
        {"status": "draft"},
        {"status": "published"},
        world.province,
    )
    target = node(draft, "1.1.1")
    before = Node.objects.filter(framework=draft).count()
    with pytest.raises(actions.FrameworkNotEditableError):
        actions.update_node(target, by=secretariat, data=actions.node_data_of(target))
    with pytest.raises(actions.FrameworkNotEditableError):
        actions.add_node(draft, by=secretariat, parent=None, data=actions.node_data_of(target))
    with pytest.raises(actions.FrameworkNotEditableError):
        actions.delete_node(target, by=secretariat)
    with pytest.raises(actions.FrameworkNotEditableError):
        actions.update_framework(draft, by=secretariat, changes={"name": "Khác"})
    with pytest.raises(actions.FrameworkNotEditableError):
        actions.delete_framework(draft, by=secretariat)
    with pytest.raises(actions.FrameworkNotEditableError):
        actions.publish_framework(draft, by=secretariat)
    assert Node.objects.filter(framework=draft).count() == before
    assert spec_of(draft) == shipped()


def test_a_framework_with_a_mistake_is_refused_naming_the_node(
    world: World, draft: Framework
) -> None:
    target = node(draft, "3.3.2")  # a yes/no worth 1: worth 1,5 it still fits its rule ...
    actions.update_node(
        target, by=None, data=replace(actions.node_data_of(target), maximum=D("1.5"))
    )
    with pytest.raises(actions.FrameworkInvalidError) as error:
        actions.publish_framework(draft, by=None)
    found = [(p.node, p.code) for p in error.value.problems]
    # ... but criterion 3.3's sub-criteria no longer add up to its 5,5
    assert found == [("3.3", "node.children_sum")]
    assert draft.status == Status.DRAFT
    assert not AuditEntry.objects.filter(action="framework.publish").exists()


def test_editing_a_node_is_audited_with_old_and_new(world: World, draft: Framework) -> None:
    target = node(draft, "1.2.1")
    data = replace(
        actions.node_data_of(target),
        title="Báo cáo CCHC đúng hạn",
        evidence=(EvidenceSpec("Báo cáo CCHC năm"), EvidenceSpec("Báo cáo quý", required=False)),
    )
    actions.update_node(target, by=world.users["secretariat"], data=data)
    entry = AuditEntry.objects.get(action="criterion.update")
    assert entry.old_value == {
        "title": "Thực hiện đầy đủ, đúng hạn các báo cáo CCHC định kỳ (quý, 6 tháng, năm)",
        "evidence": [{"title": "Báo cáo CCHC quý, 6 tháng, năm", "required": True}],
    }
    assert entry.new_value["evidence"][1] == {"title": "Báo cáo quý", "required": False}
    assert entry.actor == world.users["secretariat"]
    assert entry.unit == world.province
    assert [e.title for e in node(draft, "1.2.1").evidence.all()] == [
        "Báo cáo CCHC năm",
        "Báo cáo quý",
    ]


def test_a_node_whose_rule_does_not_fit_is_not_saved(draft: Framework) -> None:
    target = node(draft, "1.1.1")
    bad = replace(
        actions.node_data_of(target),
        rule=LevelsRule((Level("Đúng hạn", D(2)), Level("Không", D(0)))),
    )
    with pytest.raises(actions.FrameworkInvalidError) as error:
        actions.update_node(target, by=None, data=bad)
    assert [p.code for p in error.value.problems] == [
        "rule.points_above_max",
        "rule.max_unreachable",
    ]
    assert node(draft, "1.1.1").rule == target.rule
    assert not AuditEntry.objects.filter(action="criterion.update").exists()


def test_renaming_a_code_carries_over_to_the_subtree(draft: Framework) -> None:
    field = node(draft, "8")
    actions.update_node(field, by=None, data=replace(actions.node_data_of(field), code="10"))
    codes = set(draft.nodes.values_list("code", flat=True))
    assert {"10", "10.1", "10.1.1", "10.1.5"} <= codes
    assert not {c for c in codes if c == "8" or c.startswith("8.")}
    assert problems_of(draft) == []


def test_a_code_must_follow_its_parent_and_stay_unique(draft: Framework) -> None:
    target = node(draft, "1.1.1")
    for code, expected in (("2.9.1", "node.code_parent"), ("1.1.2", "node.code_duplicate")):
        with pytest.raises(actions.FrameworkInvalidError) as error:
            actions.update_node(
                target, by=None, data=replace(actions.node_data_of(target), code=code)
            )
        assert [p.code for p in error.value.problems] == [expected]


def test_a_concurrent_edit_is_refused_not_overwritten(draft: Framework) -> None:
    target = node(draft, "1.1.1")
    opened = actions.version_token(target)
    someone = node(draft, "1.1.1")
    actions.update_node(
        someone, by=None, data=replace(actions.node_data_of(someone), title="Người khác sửa")
    )
    with pytest.raises(actions.FrameworkInvalidError) as error:
        actions.update_node(
            target,
            by=None,
            data=replace(actions.node_data_of(target), title="Tôi sửa"),
            expected_version=opened,
        )
    assert [p.code for p in error.value.problems] == ["action.changed_meanwhile"]
    assert node(draft, "1.1.1").title == "Người khác sửa"


def test_add_and_delete_nodes(world: World, draft: Framework) -> None:
    parent = node(draft, "7.2")
    added = actions.add_node(
        draft,
        by=world.users["secretariat"],
        parent=parent,
        data=NodeSpec(
            code="7.2.4",
            title="Tổ công nghệ số cộng đồng",
            maximum=D(1),
            source="appraised",
            rule=YesNoRule(),
            evidence=(EvidenceSpec("Quyết định kiện toàn Tổ công nghệ số"),),
        ),
    )
    assert (added.depth, added.position, added.parent) == (3, 3, parent)
    assert [n.code for n in draft.nodes.order_by("sort_key") if n.code.startswith("7.2")] == [
        "7.2",
        "7.2.1",
        "7.2.2",
        "7.2.3",
        "7.2.4",
    ]
    found = [(p.node, p.code) for p in problems_of(draft)]
    assert ("7.2", "node.children_sum") in found  # one point too many until another is moved
    actions.delete_node(node(draft, "7.2.4"), by=world.users["secretariat"])
    assert problems_of(draft) == []
    actions.delete_node(node(draft, "9"), by=None)
    assert not draft.nodes.filter(code__startswith="9").exists()
    entry = AuditEntry.objects.filter(action="criterion.delete").latest("id")
    assert entry.old_value["sub_criteria"] == ["9.1"]
    assert AuditEntry.objects.filter(action="criterion.create").count() == 1


def test_clone_to_a_new_year_then_compare(world: World, draft: Framework) -> None:
    actions.publish_framework(draft, by=None)
    clone = actions.clone_framework(
        draft,
        by=world.users["secretariat"],
        code="PAR-XA-2026",
        name="Bộ chỉ số 2026",
        year_from=2026,
        year_to=2026,
    )
    assert (clone.status, clone.version, clone.previous) == (Status.DRAFT, 2, draft)
    assert spec_of(clone).fields == spec_of(draft).fields
    # re-point 1.5.1 (2 -> 1,5) and give 1.6.2 the half point; renumber 8.1.5; drop 5.1.3
    for code, values in (
        ("1.5", {"maximum": D("1.5")}),
        (
            "1.5.1",
            {
                "maximum": D("1.5"),
                "rule": LevelsRule((Level("Có", D("1.5")), Level("Không", D(0)))),
            },
        ),
        ("1.6", {"maximum": D("2.5")}),
        ("1.6.2", {"maximum": D("1.5")}),
        ("8.1.5", {"code": "8.1.6"}),
        ("3.3.2", {"title": "Văn bản xin lỗi hồ sơ trễ hạn"}),
    ):
        target = node(clone, code)
        actions.update_node(target, by=None, data=replace(actions.node_data_of(target), **values))
    actions.delete_node(node(clone, "5.1.3"), by=None)
    changes = {(c.kind, c.code): c for c in compare(spec_of(draft), spec_of(clone))}
    assert set(changes) == {
        (ChangeKind.REPOINTED, "1.5"),
        (ChangeKind.REPOINTED, "1.5.1"),
        (ChangeKind.REPOINTED, "1.6"),
        (ChangeKind.REPOINTED, "1.6.2"),
        (ChangeKind.MOVED, "8.1.6"),
        (ChangeKind.CHANGED, "3.3.2"),
        (ChangeKind.REMOVED, "5.1.3"),
    }
    assert changes[(ChangeKind.REPOINTED, "1.5.1")].old_max == 2
    assert [f.name for f in changes[(ChangeKind.REPOINTED, "1.5.1")].fields] == ["max", "rule"]
    assert [f.name for f in changes[(ChangeKind.CHANGED, "3.3.2")].fields] == ["title"]
    # the published original is untouched
    assert spec_of(draft) == shipped()


def test_renumbered_nodes_are_matched_by_title() -> None:
    old = shipped()
    field = old.fields[7]
    renumbered = replace(
        field,
        children=(
            replace(
                field.children[0],
                children=tuple(
                    replace(c, code="8.1.9") if c.code == "8.1.5" else c
                    for c in field.children[0].children
                ),
            ),
        ),
    )
    new = replace(old, fields=(*old.fields[:7], renumbered, old.fields[8]))
    changes = compare(old, new)
    assert [(c.kind, c.old_code, c.code) for c in changes] == [(ChangeKind.MOVED, "8.1.5", "8.1.9")]


def test_archive_and_delete(world: World, draft: Framework) -> None:
    with pytest.raises(actions.FrameworkNotEditableError):
        actions.archive_framework(draft, by=None)  # a draft is deleted, not archived
    actions.publish_framework(draft, by=None)
    actions.archive_framework(draft, by=None, reason="Thay bằng bộ chỉ số 2026")
    draft.refresh_from_db()
    assert draft.status == Status.ARCHIVED
    assert AuditEntry.objects.get(action="framework.archive").reason == "Thay bằng bộ chỉ số 2026"
    other = actions.create_framework(
        by=None, owner=world.province, spec=replace(shipped(), code="NHAP")
    )
    actions.delete_framework(other, by=world.users["secretariat"])
    assert not Framework.objects.filter(code="NHAP").exists()
    assert AuditEntry.objects.get(action="framework.delete").old_value["code"] == "NHAP"


def test_update_framework_facts(world: World, draft: Framework) -> None:
    draft.refresh_from_db()
    actions.update_framework(
        draft,
        by=world.users["secretariat"],
        changes={"bonus_max": D(3), "bands": [{"code": "A", "label": "Tốt", "min": "0"}]},
    )
    entry = AuditEntry.objects.get(action="framework.update")
    assert entry.old_value["bonus_max"] == "2.00"
    assert entry.new_value["bonus_max"] == "3"
    assert problems_of(draft) == []
    taken = actions.create_framework(
        by=None, owner=world.province, spec=replace(shipped(), code="KHAC")
    )
    with pytest.raises(actions.FrameworkInvalidError):
        actions.update_framework(taken, by=None, changes={"code": draft.code})


def test_suggested_code_for_a_new_year(draft: Framework) -> None:
    assert actions.suggested_code(draft, 2026) == "PAR-XA-2026"
    draft.code = "HP-XA"
    assert actions.suggested_code(draft, 2026) == "HP-XA-2026"
