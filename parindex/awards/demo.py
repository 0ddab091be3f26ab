"""The demo's emulation campaign: Hải Phòng's campaign “Cải cách hành chính” of 2025, which reads
the published 2025 index with seed 004's rule (index ≥ 80% and higher than last year, or ≥ 83%;
"last year" for the seven communes that continue Thanh Miện's is their predecessors' weighted 2023
result), open for nominations until 15/12/2026, with two nominations:

- Xã Thanh Miện proposes itself (the commune's People's Committee) with the three documents seed
  004 asks for — proposal, minutes of the review meeting, achievement report — and submitted it on
  20/11/2026;
- Xã Nam Thanh Miện proposes its chairman but has not attached the minutes yet: a draft that the
  completeness check refuses, naming the missing document.

The documents are small PDFs made here, uploaded through the evidence upload (checked by content)
and cited through the real actions, which audit every step. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from parindex.accounts.models import User
from parindex.assessments.actions import upload_document
from parindex.assessments.models import Cycle
from parindex.awards import actions
from parindex.awards.eligibility import PRESET_NAMES, SEED_004
from parindex.awards.forms import DEFAULT_DOCUMENTS
from parindex.awards.models import Campaign, CampaignStatus, Nomination, NomineeKind
from parindex.orgunits.models import Unit

YEAR = 2025
NAME = "Phong trào thi đua “Cải cách hành chính” năm 2025 trên địa bàn thành phố Hải Phòng"
AWARD_FORMS = (
    "Bằng khen của Chủ tịch UBND thành phố",
    "Giấy khen của Giám đốc Sở Nội vụ",
)
CONTENT = """Nâng cao ý thức, trách nhiệm của người đứng đầu trong triển khai các nhiệm vụ CCHC.
Phấn đấu 100% hồ sơ TTHC được giải quyết đúng hạn và trước hạn; 100% văn bản, hồ sơ công việc \
(trừ hồ sơ mật) được gửi, nhận trên môi trường mạng và ký số.
Thi đua thực hiện các nhiệm vụ CCHC theo kế hoạch: cải cách thể chế, TTHC và cơ chế một cửa, tổ \
chức bộ máy, chế độ công vụ, tài chính công, xây dựng chính quyền điện tử, chính quyền số.
Đề xuất, tổ chức thực hiện các giải pháp, sáng kiến thiết thực, hiệu quả trong CCHC."""
TARGETS = (
    ("Hồ sơ TTHC được giải quyết đúng hạn và trước hạn", "100%"),
    ("Văn bản, hồ sơ công việc (trừ hồ sơ mật) gửi, nhận trên môi trường mạng và ký số", "100%"),
    (
        "Cán bộ, công chức được bồi dưỡng về kỹ năng phân tích dữ liệu, dịch vụ công trực tuyến",
        "30%",
    ),
)
SUBMITTED_ON = dt.date(2026, 11, 20)


def _pdf(title: str) -> bytes:
    """A one-page PDF with one line of text (ASCII: the demo's file, not the real document)."""
    text = title.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# file name, title in the file, number and symbol, date
FILES = {
    DEFAULT_DOCUMENTS[0]: (
        "to-trinh-khen-thuong.pdf",
        "To trinh de nghi khen thuong",
        "45/TTr-UBND",
    ),
    DEFAULT_DOCUMENTS[1]: ("bien-ban-hop-binh-xet.pdf", "Bien ban hop binh xet thi dua", ""),
    DEFAULT_DOCUMENTS[2]: ("bao-cao-thanh-tich.pdf", "Bao cao thanh tich", "120/BC-UBND"),
}


def _unit(code: str) -> Unit:
    return Unit.objects.valid_on(dt.date(YEAR, 12, 31)).exclude(kind="co_quan").get(code=code)


def _attach(nomination: Nomination, requirements: tuple[str, ...], by: User | None) -> None:
    for requirement in requirements:
        filename, title, number = FILES[requirement]
        document = upload_document(
            by=by,
            unit=nomination.unit,
            name=filename,
            content=_pdf(f"{title} - {nomination.unit.code}"),
            number=number,
            issued_on=dt.date(2026, 11, 15),
            summary=requirement,
            max_bytes=1024 * 1024,
        )
        actions.cite_document(nomination, document, by=by, requirement=requirement)


def load_demo_awards() -> int:
    """Create the campaign when it is missing; returns how many campaigns were created."""
    province = _unit("31")
    if Campaign.objects.filter(issuer=province, name=NAME).exists():
        return 0
    cycle = Cycle.objects.filter(scope=province, year=YEAR).first()
    if cycle is None:  # the results demo did not run
        return 0
    names = ["sonoivu", "lanhdao.thanhmien", "canbo.namthanhmien"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    secretariat, leader = users.get("sonoivu"), users.get("lanhdao.thanhmien")
    officer = users.get("canbo.namthanhmien")
    with transaction.atomic():
        campaign = actions.create_campaign(
            by=secretariat,
            issuer=province,
            cycle=cycle,
            name=NAME,
            number="215/KH-UBND",
            period_from=dt.date(2025, 7, 1),
            period_to=dt.date(2026, 10, 30),
            nomination_deadline=dt.date(2026, 12, 15),
            content=CONTENT,
            award_forms=AWARD_FORMS,
            required_documents=DEFAULT_DOCUMENTS,
            signer="Trần Văn Hải",
        )
        actions.save_rule(
            campaign,
            by=secretariat,
            data=SEED_004,
            name=PRESET_NAMES["seed004"],
        )
        for name, value in TARGETS:
            actions.add_target(campaign, by=secretariat, name=name, target_text=value)
        campaign = actions.set_campaign_status(campaign, by=secretariat, to=CampaignStatus.OPEN)

        thanh_mien = actions.create_nomination(
            campaign,
            by=leader,
            unit=_unit("11239"),
            kind=NomineeKind.COLLECTIVE,
            name="Ủy ban nhân dân xã Thanh Miện",
            award_form=AWARD_FORMS[0],
            achievements=(
                "Hoàn thành xuất sắc nhiệm vụ cải cách hành chính năm 2025; 100% hồ sơ TTHC được "
                "giải quyết đúng và trước hạn."
            ),
            today=SUBMITTED_ON,
        )
        _attach(thanh_mien, DEFAULT_DOCUMENTS, leader)
        actions.submit_nomination(thanh_mien, by=leader, today=SUBMITTED_ON)

        nam_thanh_mien = actions.create_nomination(
            campaign,
            by=officer,
            unit=_unit("11284"),
            kind=NomineeKind.INDIVIDUAL,
            name="Nguyễn Văn Hùng",
            position="Chủ tịch UBND xã Nam Thanh Miện",
            award_form=AWARD_FORMS[1],
            achievements="Chỉ đạo cải thiện Chỉ số CCHC của xã năm 2025.",
            today=SUBMITTED_ON,
        )
        # The minutes of the review meeting are still missing.
        _attach(nam_thanh_mien, (DEFAULT_DOCUMENTS[0], DEFAULT_DOCUMENTS[2]), officer)
    return 1
