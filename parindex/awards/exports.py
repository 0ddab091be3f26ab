"""The award decision in the state format (Word) and the list of awards (Excel).

The Word file is a QUYẾT ĐỊNH of the issuer's chairman (Nghị định 30/2020/NĐ-CP, docs/documents.md):
the issuer's header, "QUYẾT ĐỊNH / Về việc khen thưởng ...", the chairman's line, the legal grounds
(Luật Thi đua, khen thưởng 2022; Nghị định 98/2023/NĐ-CP; the campaign's plan; the published
index), Điều 1–3, the signature block, and the list as its appendix: "DANH SÁCH KHEN THƯỞNG" with
the columns STT | Tên tập thể/cá nhân | Hình thức khen thưởng | Thành tích, collectives (I) then
individuals (II), accepted nominations only. The Excel table has the same rows plus the
nominating unit, the index and the council's vote.

A nomination's "Thành tích" is what it says, or else its unit's published result ("Chỉ số CCHC
năm 2025 đạt 84,20%, xếp thứ 12/114").
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from parindex.awards import selectors
from parindex.awards.models import (
    Campaign,
    CouncilRecord,
    Nomination,
    NominationStatus,
    NomineeKind,
    RecordKind,
)
from parindex.reports.docx import Appendix, Section, StateDocument, Table, place_date, render_docx
from parindex.reports.xlsx import Sheet, render_xlsx
from parindex.scoring.reports import score

PLACE_PREFIXES = ("Thành phố ", "Tỉnh ", "Huyện ", "Thị xã ", "Quận ", "Xã ", "Phường ")


@dataclass(frozen=True)
class Award:
    nomination: Nomination
    name: str
    achievements: str
    percent: Decimal | None
    votes: str


def _place(unit_name: str) -> str:
    for prefix in PLACE_PREFIXES:
        if unit_name.startswith(prefix):
            return unit_name[len(prefix) :]
    return unit_name


def _named(nomination: Nomination) -> str:
    if nomination.kind == NomineeKind.INDIVIDUAL and nomination.position:
        return f"{nomination.name}, {nomination.position}"
    return nomination.name


def awards(campaign: Campaign) -> list[Award]:
    """The accepted nominations, collectives first, then individuals, by unit and name."""
    accepted = list(
        Nomination.objects.filter(campaign=campaign, status=NominationStatus.ACCEPTED)
        .select_related("unit", "campaign__cycle")
        .order_by("kind", "unit__name", "name", "pk")
    )
    accepted.sort(key=lambda n: (n.kind != NomineeKind.COLLECTIVE, n.unit.name, n.name, n.pk))
    shown = selectors.published(campaign)
    votes: dict[int, str] = {}
    for entry in CouncilRecord.objects.filter(
        nomination__in=accepted, kind=RecordKind.VOTE
    ).order_by("at", "pk"):
        cast = (entry.votes_for or 0) + (entry.votes_against or 0) + (entry.votes_abstain or 0)
        votes[entry.nomination_id] = f"{entry.votes_for or 0}/{cast}"
    out = []
    for nomination in accepted:
        result = shown.board.result(nomination.unit.code) if shown else None
        text = nomination.achievements
        if not text and result is not None and shown is not None:
            rank = shown.board.ranks.get(nomination.unit.code)
            text = (
                f"Chỉ số CCHC năm {campaign.cycle.year} của {nomination.unit.name} đạt "
                f"{score(result.percent)}%, xếp thứ {rank}/{len(shown.board.results)}"
            )
        out.append(
            Award(
                nomination,
                _named(nomination),
                text,
                result.percent if result else None,
                votes.get(nomination.pk, ""),
            )
        )
    return out


def _decision_table(rows: list[Award]) -> Table:
    body: list[tuple[str, ...]] = []
    merged: list[int] = []
    groups = (
        ("I", "TẬP THỂ", [a for a in rows if a.nomination.kind == NomineeKind.COLLECTIVE]),
        ("II", "CÁ NHÂN", [a for a in rows if a.nomination.kind == NomineeKind.INDIVIDUAL]),
    )
    for numeral, title, items in groups:
        if not items:
            continue
        merged.append(len(body))
        body.append((numeral, title, "", ""))
        for index, award in enumerate(items, start=1):
            body.append((str(index), award.name, award.nomination.award_form, award.achievements))
    return Table(
        columns=("STT", "Tên tập thể/cá nhân", "Hình thức khen thưởng", "Thành tích"),
        rows=tuple(body),
        widths_mm=(12, 65, 50, 110),
        merged_rows=tuple(merged),
    )


def decision_docx(campaign: Campaign) -> bytes:
    """The award decision with its list (accepted nominations); see the module's docstring."""
    rows = awards(campaign)
    issuer = campaign.issuer
    issuer_title = f"Ủy ban nhân dân {issuer.name[:1].lower()}{issuer.name[1:]}"
    superior = f"UBND {issuer.parent.name}" if issuer.parent is not None else ""
    day = campaign.decided_on or timezone.localdate()
    number = f"Số: {campaign.decision_number}" if campaign.decision_number else "Số:      /QĐ-UBND"
    collectives = sum(1 for a in rows if a.nomination.kind == NomineeKind.COLLECTIVE)
    individuals = len(rows) - collectives
    whom = (
        " và ".join(
            part
            for part in (
                f"{collectives:02d} tập thể" if collectives else "",
                f"{individuals:02d} cá nhân" if individuals else "",
            )
            if part
        )
        or "các tập thể, cá nhân"
    )
    plan = f"Kế hoạch số {campaign.number} " if campaign.number else "Kế hoạch "
    publication = selectors.published(campaign)
    index_ground = f"Căn cứ kết quả xác định Chỉ số cải cách hành chính năm {campaign.cycle.year}"
    if publication is not None and publication.publication.decision:
        index_ground += f" ({publication.publication.decision})"
    forms = "; ".join(dict.fromkeys(a.nomination.award_form for a in rows)) or "Giấy khen"
    document = StateDocument(
        superior=superior,
        issuer=issuer_title.upper(),
        number=number,
        place_date=place_date(_place(issuer.name), day),
        kind="QUYẾT ĐỊNH",
        summary=(
            "Về việc khen thưởng tập thể, cá nhân có thành tích xuất sắc trong "
            f"{campaign.name[:1].lower()}{campaign.name[1:]}"
        ),
        grounds=(
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
            "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định "
            "chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
            f"Căn cứ {plan}của {issuer_title} về việc phát động {campaign.name[:1].lower()}"
            f"{campaign.name[1:]};",
            f"{index_ground};",
            "Theo đề nghị của Hội đồng Thi đua - Khen thưởng.",
        ),
        sections=(
            Section(heading="QUYẾT ĐỊNH:"),
            Section(
                paragraphs=(
                    f"Điều 1. Tặng {forms} cho {whom} có thành tích xuất sắc trong "
                    f"{campaign.name[:1].lower()}{campaign.name[1:]} (có danh sách kèm theo).",
                    "Điều 2. Tiền thưởng kèm theo thực hiện theo quy định của Luật Thi đua, khen "
                    "thưởng và Nghị định số 98/2023/NĐ-CP, trích từ Quỹ thi đua, khen thưởng.",
                    "Điều 3. Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị liên quan và các tập "
                    "thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
                ),
            ),
        ),
        recipients=("Như Điều 3;", "Hội đồng Thi đua - Khen thưởng;"),
        authority=("CHỦ TỊCH",),
        signer=campaign.signer,
        appendices=(
            Appendix(
                title="DANH SÁCH KHEN THƯỞNG",
                subtitle=(
                    f"Tập thể, cá nhân có thành tích xuất sắc trong "
                    f"{campaign.name[:1].lower()}{campaign.name[1:]}"
                ),
                note=(
                    f"(Kèm theo Quyết định {number.removeprefix('Số:').strip()} ngày "
                    f"{day:%d/%m/%Y} của Chủ tịch {issuer_title})"
                ),
                table=_decision_table(rows),
            ),
        ),
    )
    return _with_authority_line(render_docx(document), f"CHỦ TỊCH {issuer_title.upper()}")


def _with_authority_line(data: bytes, line: str) -> bytes:
    """The decision's authority line ("CHỦ TỊCH ỦY BAN NHÂN DÂN ...", bold, centred) between the
    title and the grounds, which the state-format renderer does not draw for a caller."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    word = Document(io.BytesIO(data))
    first_ground = next(p for p in word.paragraphs if p.text.startswith("Căn cứ"))
    paragraph = first_ground.insert_paragraph_before()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(6)
    run = paragraph.add_run(line)
    run.font.bold = True
    run.font.size = Pt(14)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def decision_xlsx(campaign: Campaign) -> bytes:
    rows = awards(campaign)
    table = tuple(
        (
            index,
            award.name,
            "Tập thể" if award.nomination.kind == NomineeKind.COLLECTIVE else "Cá nhân",
            award.nomination.award_form,
            award.achievements,
            award.nomination.unit.name,
            award.percent,
            award.votes,
        )
        for index, award in enumerate(rows, start=1)
    )
    return render_xlsx(
        [
            Sheet(
                name="Danh sách khen thưởng",
                title=f"DANH SÁCH KHEN THƯỞNG - {campaign.name.upper()}",
                columns=(
                    "STT",
                    "Tên tập thể/cá nhân",
                    "Tập thể/cá nhân",
                    "Hình thức khen thưởng",
                    "Thành tích",
                    "Đơn vị đề nghị",
                    f"Chỉ số CCHC {campaign.cycle.year} (%)",
                    "Biểu quyết (tán thành/tổng)",
                ),
                rows=table,
                widths=(6, 36, 12, 30, 50, 28, 14, 16),
                formats=("", "", "", "", "", "", "0.00", ""),
            )
        ]
    )


def filename(campaign: Campaign, extension: str) -> str:
    stem = "quyet-dinh-khen-thuong" if extension == "docx" else "danh-sach-khen-thuong"
    return f"{stem}-{campaign.pk}-{campaign.cycle.year}.{extension}"
