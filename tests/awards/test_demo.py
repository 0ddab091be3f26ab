"""The demo's campaign: Hải Phòng's 2025 campaign on the published 2025 index with seed 004's rule,
one complete submitted nomination and one draft missing the minutes; loading twice adds nothing."""

from __future__ import annotations

import time

import pytest

from parindex.awards import actions, selectors
from parindex.awards.demo import load_demo_awards
from parindex.awards.eligibility import SEED_004
from parindex.awards.models import Campaign, Nomination, NominationStatus
from parindex.core.demo import load_demo


def test_the_demo_campaign(db: None) -> None:
    assert load_demo()["awards"] == 1
    campaign = Campaign.objects.get()
    assert (campaign.issuer.code, campaign.cycle.year, campaign.status) == ("31", 2025, "open")
    assert campaign.rules.get().data == SEED_004
    found = selectors.candidates(campaign)
    assert len(found.rows) == 114
    assert found.published is not None
    assert found.published.publication.version == 2  # the corrected, current version
    merged = [row for row in found.rows if row.before and row.before.predecessors]
    assert len(merged) == 7  # Thanh Miện's successors, against their predecessors' 2023 result
    without = [row for row in found.rows if row.before is None]
    assert len(without) == 107
    for row in found.rows:  # seed 004's rule, on the figures
        assert row.check is not None
        percent, before = row.result.percent, row.before
        higher = before is not None and percent > before.result.percent
        assert row.eligible is ((percent >= 80 and higher) or percent >= 83), row.unit.name

    complete = Nomination.objects.get(unit__code="11239")
    assert complete.status == NominationStatus.SUBMITTED
    assert selectors.missing_documents(complete) == []
    draft = Nomination.objects.get(unit__code="11284")
    assert draft.status == NominationStatus.DRAFT
    assert selectors.missing_documents(draft) == ["Biên bản họp bình xét thi đua"]
    with pytest.raises(actions.AwardError) as refused:
        actions.submit_nomination(draft, by=None, today=campaign.nomination_deadline)
    assert refused.value.problems[0].params["missing"] == "Biên bản họp bình xét thi đua"

    started = time.monotonic()
    assert load_demo_awards() == 0
    assert time.monotonic() - started < 1
    assert Campaign.objects.count() == 1
    assert Nomination.objects.count() == 2
