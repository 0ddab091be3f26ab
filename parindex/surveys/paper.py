"""The workbook paper forms are keyed into: one row a form, one column a question.

Sheet "Phiếu" has the columns Số phiếu (the number printed on the form: it makes a re-import add
nothing twice), Mã xã (the commune's code), Ngày (dd/mm/yyyy), then one column per question,
headed by its code. Sheet "Hướng dẫn" lists every question with its text and allowed answers
(codes, or their labels), and sheet "Mã xã" the communes with their codes (only those the person
may key in, when they key in for some communes only).
"""

from __future__ import annotations

from parindex.reports.xlsx import Sheet, render_xlsx
from parindex.surveys.actions import campaign_communes
from parindex.surveys.models import Campaign


def template_xlsx(campaign: Campaign, *, only: set[int] | None = None) -> bytes:
    spec = campaign.questionnaire.parsed()
    questions = [q for _s, q in spec.questions()]
    forms = Sheet(
        name="Phiếu",
        columns=("Số phiếu", "Mã xã", "Ngày", *[q.code for q in questions]),
        rows=(),
        widths=(12, 10, 12, *[8 for _q in questions]),
    )
    guide = Sheet(
        name="Hướng dẫn",
        columns=("Mã câu hỏi", "Câu hỏi", "Trả lời (mã = nội dung)", "Bắt buộc"),
        rows=tuple(
            (
                q.code,
                q.text,
                "; ".join(f"{o.code} = {o.label}" for o in q.choices()) or "tự do",
                "có" if q.required else "không",
            )
            for q in questions
        ),
        widths=(12, 60, 70, 10),
    )
    communes = Sheet(
        name="Mã xã",
        columns=("Mã xã", "Tên"),
        rows=tuple(
            (code, unit.name)
            for code, unit in sorted(campaign_communes(campaign).items())
            if only is None or unit.pk in only
        ),
        widths=(10, 40),
    )
    return render_xlsx([forms, guide, communes])
