"""Survey exports: the anonymised raw answers (one row a form, one column a question) and the
results table (per commune: forms, each element's rate with its number of answers and 95% Wilson
interval, the index). Text that could be read as a formula is neutralised, in CSV as in Excel."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from parindex.reports.xlsx import safe_text
from parindex.surveys.models import Campaign, ResponseAnswer
from parindex.surveys.selectors import campaign_results, collection


def raw_rows(campaign: Campaign) -> tuple[list[str], list[list[Any]]]:
    """No address, no account: the commune, the channel, the date, flags and answers only."""
    spec = campaign.questionnaire.parsed()
    codes = [q.code for _s, q in spec.questions()]
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for response_id, question, value in ResponseAnswer.objects.filter(
        response__campaign=campaign
    ).values_list("response_id", "question", "value"):
        answers[response_id][question] = value
    rows = []
    for r in campaign.responses.select_related("unit").order_by("unit__code", "form_number"):
        rows.append(
            [
                r.form_number,
                r.unit.code,
                r.get_channel_display(),
                r.answered_on.strftime("%d/%m/%Y") if r.answered_on else "",
                ", ".join(r.flags),
                "có" if r.excluded else "",
                *[answers[r.pk].get(code, "") for code in codes],
            ]
        )
    return ["Số phiếu", "Mã xã", "Kênh", "Ngày", "Cảnh báo", "Bị loại", *codes], rows


def result_rows(campaign: Campaign) -> tuple[list[str], list[list[Any]]]:
    spec = campaign.questionnaire.parsed()
    results = campaign_results(campaign)
    columns = ["Mã xã", "Tên", "Số phiếu hợp lệ"]
    for section in spec.elements:
        columns += [f"{section.element} (%)", f"{section.element} n", f"{section.element} 95% CI"]
    columns.append("Chỉ số (%)")
    rows = []
    for row in collection(campaign):
        unit = row["unit"]
        result = results.get(unit.code)
        line: list[Any] = [unit.code, unit.name, row["total"]]
        for section in spec.elements:
            found = (
                next((s for s in result.sections if s.code == section.code), None)
                if result
                else None
            )
            if found is None or found.index is None:
                line += ["", "", ""]
                continue
            n = min((rate.n for rate in found.questions.values()), default=0)
            lows = [rate.low for rate in found.questions.values() if rate.low is not None]
            highs = [rate.high for rate in found.questions.values() if rate.high is not None]
            ci = f"{min(lows)}–{max(highs)}" if lows and highs else ""
            line += [found.index, n, ci]
        line.append(result.index if result and result.index is not None else "")
        rows.append(line)
    return columns, rows


def to_csv(columns: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV with Vietnamese letters right
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [safe_text(v) if isinstance(v, str) else ("" if v is None else v) for v in row]
        )
    return out.getvalue()
