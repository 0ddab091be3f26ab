"""Quality checks of a survey form. A flag never removes a form: a person excludes it, with a
reason (audited), and its raw answers stay.

- `duplicate`: the same commune and the same answers as a form already received;
- `straight`: every rated question answered, all with the same value (at least 4 of them);
- `fast`: an on-line form filled in less than `FAST_SECONDS`;
- `out_of_window`: answered outside the campaign's collection window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from parindex.surveys.spec import QuestionnaireSpec

FAST_SECONDS = 40


def flags(
    spec: QuestionnaireSpec,
    answers: Mapping[str, str],
    *,
    digest: str,
    known_digests: Collection[str],
    day: dt.date | None,
    opens_on: dt.date,
    closes_on: dt.date,
    duration_seconds: int | None = None,
) -> list[str]:
    found = []
    if digest in known_digests:
        found.append("duplicate")
    rated = [q.code for _s, q in spec.questions() if q.rated]
    values = [answers.get(code) for code in rated]
    if len(rated) >= 4 and all(values) and len(set(values)) == 1:
        found.append("straight")
    if duration_seconds is not None and duration_seconds < FAST_SECONDS:
        found.append("fast")
    if day is not None and not opens_on <= day <= closes_on:
        found.append("out_of_window")
    return found
