"""The demo's plans: Xã Thanh Miện's annual PAR plan for 2026 (targets and tasks in the words of
seed 002, some done, one overdue), and Xã Nam Thanh Miện's plan to fix what it lost in 2025,
drafted from its published result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from parindex.accounts.models import User
from parindex.assessments.models import Cycle
from parindex.orgunits.models import Unit
from parindex.plans import actions, services
from parindex.plans.models import IndexSource, Kind, Plan, TaskStatus
from parindex.plans.rules import read_due

YEAR = 2026
GROUNDS = (
    "Căn cứ Kế hoạch cải cách hành chính năm 2026 của UBND thành phố Hải Phòng;\n"
    "Căn cứ kết quả xác định Chỉ số cải cách hành chính năm 2025 của UBND các xã, phường."
)

# code, group, name, target as written, measured from, node, tracking unit, implementing unit
TARGETS = [
    (
        "1",
        "",
        "Kết quả các chỉ số đánh giá hiệu quả cải cách hành chính của xã",
        "",
        "",
        "",
        "",
        "",
    ),
    (
        "1.1",
        "Chỉ số",
        "Chỉ số cải cách hành chính của xã (Par Index)",
        "Chỉ số xếp hạng cao hơn năm 2025",
        IndexSource.RANK,
        "",
        "Văn phòng HĐND và UBND",
        "Các cán bộ, công chức liên quan, Bộ phận Một cửa",
    ),
    (
        "1.2",
        "Chỉ số",
        "Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính "
        "nhà nước (SIPAS)",
        "Đạt từ 95% trở lên",
        IndexSource.NODE,
        "9",
        "Văn phòng HĐND và UBND",
        "Bộ phận Một cửa",
    ),
    (
        "2",
        "Cải cách thể chế",
        "Các văn bản quy phạm pháp luật được ban hành đúng trình tự, thủ tục, thẩm quyền",
        "100%",
        "",
        "",
        "Công chức Tư pháp - Hộ tịch",
        "Các cán bộ, công chức liên quan",
    ),
    (
        "3.2",
        "Cải cách thủ tục hành chính",
        "Thực hiện số hóa hồ sơ, kết quả giải quyết TTHC",
        "90%",
        "",
        "",
        "Văn phòng HĐND và UBND",
        "Bộ phận Một cửa",
    ),
    (
        "3.3",
        "Cải cách thủ tục hành chính",
        "Khai thác, sử dụng lại thông tin, dữ liệu số hóa",
        "Trên 50%",
        "",
        "",
        "Văn phòng HĐND và UBND",
        "Bộ phận Một cửa",
    ),
    (
        "6.2",
        "Chính quyền điện tử, chính quyền số",
        "Tỷ lệ lập hồ sơ công việc (trừ hồ sơ mật) trên môi trường mạng",
        "Trên 70%",
        "",
        "",
        "Văn phòng HĐND và UBND",
        "Phòng Văn hóa - Xã hội",
    ),
]
REPORTS = {
    "3.2": [("2026-Q1", "86.5"), ("2026-Q2", "91.2")],
    "3.3": [("2026-Q2", "47")],
    "6.2": [("2026-09", "74")],
    "2": [("2026-Q3", "100")],
}

# group, task, product, lead, coordinating, due, status, done on, criterion
TASKS = [
    (
        "I. Công tác chỉ đạo, điều hành",
        "Tổ chức tổng kết công tác cải cách hành chính năm 2025 và triển khai nhiệm vụ năm 2026",
        "Hội nghị do Lãnh đạo UBND xã chủ trì",
        "Văn phòng HĐND và UBND",
        "Các ngành liên quan",
        "Quý I/2026",
        "done",
        "2026-03-20",
        "1.1.1",
    ),
    (
        "I. Công tác chỉ đạo, điều hành",
        "Kế hoạch kiểm tra cải cách hành chính năm 2026",
        "Kế hoạch của UBND xã",
        "Văn phòng HĐND và UBND",
        "Các ngành liên quan",
        "Tháng 3/2026",
        "done",
        "2026-03-12",
        "1.3.1",
    ),
    (
        "I. Công tác chỉ đạo, điều hành",
        "Kế hoạch tuyên truyền, truyền thông về cải cách hành chính năm 2026",
        "Kế hoạch của UBND xã",
        "Phòng Văn hóa - Xã hội",
        "Các ngành liên quan",
        "Tháng 3/2026",
        "done",
        "2026-04-02",
        "1.4.1",
    ),
    (
        "I. Công tác chỉ đạo, điều hành",
        "Kế hoạch đo lường sự hài lòng của người dân, tổ chức năm 2026",
        "Kế hoạch của UBND xã",
        "Văn phòng HĐND và UBND",
        "Các ngành liên quan",
        "Tháng 10/2026",
        "done",
        "2026-10-15",
        "",
    ),
    (
        "II. Cải cách thể chế",
        "Ban hành kế hoạch theo dõi thi hành pháp luật năm 2026",
        "Quyết định ban hành",
        "Công chức Tư pháp - Hộ tịch",
        "Các ngành liên quan",
        "Tháng 2/2026",
        "done",
        "2026-02-25",
        "2.1.1",
    ),
    (
        "III. Cải cách thủ tục hành chính",
        "Kế hoạch rà soát, đánh giá thủ tục hành chính năm 2026",
        "Kế hoạch và báo cáo kết quả",
        "Văn phòng HĐND và UBND",
        "Bộ phận Một cửa",
        "Quý II/2026",
        "doing",
        "",
        "3.1.1",
    ),
    (
        "III. Cải cách thủ tục hành chính",
        "Công khai kết quả giải quyết hồ sơ hằng tháng trên Trang thông tin điện tử",
        "Tin bài, bảng tổng hợp",
        "Văn phòng HĐND và UBND",
        "Bộ phận Một cửa",
        "Cả năm",
        "doing",
        "",
        "3.2.1",
    ),
    (
        "VII. Chính quyền điện tử, chính quyền số",
        "Kiện toàn Ban biên tập Trang thông tin điện tử xã",
        "Quyết định của Chủ tịch UBND xã",
        "Phòng Văn hóa - Xã hội",
        "Văn phòng HĐND và UBND",
        "Tháng 12/2026",
        "todo",
        "",
        "7.1.1",
    ),
]


def load_demo_plans() -> int:
    """Create the demo plans if missing; returns how many were created."""
    commune = Unit.objects.filter(code="11239", valid_to__isnull=True).first()
    merged = Unit.objects.filter(code="11284", valid_to__isnull=True).first()
    if commune is None or Plan.objects.filter(unit=commune, year=YEAR).exists():
        return 0
    officer = User.objects.filter(username="canbo.thanhmien").first()
    created = 0
    with transaction.atomic():
        plan = actions.create_plan(
            by=officer,
            unit=commune,
            year=YEAR,
            kind=Kind.ANNUAL,
            title="Kế hoạch cải cách hành chính xã Thanh Miện năm 2026",
            grounds=GROUNDS,
            purpose=(
                "Phấn đấu hoàn thành 100% mục tiêu, nhiệm vụ cải cách hành chính năm 2026; "
                "nâng cao trách nhiệm của người đứng đầu; cải thiện Chỉ số CCHC và Chỉ số SIPAS."
            ),
        )
        for code, group, name, text, source, node, tracking, implementing in TARGETS:
            target = actions.add_target(
                plan,
                by=officer,
                name=name,
                code=code,
                group=group,
                target_text=text,
                index_source=source,
                node_code=node,
                tracking_unit=tracking,
                implementing_unit=implementing,
                heading=not text,
            )
            for period, value in REPORTS.get(code, []):
                actions.report_target(target, by=officer, period=period, value=Decimal(value))
        for group, title, product, lead, coordinating, due, status, done_on, node in TASKS:
            parsed = read_due(due, YEAR)
            assert parsed is not None  # noqa: S101 - the demo's own deadlines
            task = actions.add_task(
                plan,
                by=officer,
                title=title,
                due=parsed,
                group=group,
                product=product,
                lead=lead,
                coordinating=coordinating,
                node_code=node,
            )
            if status != TaskStatus.TODO:
                actions.set_task_status(
                    task,
                    by=officer,
                    status=status,
                    done_on=dt.date.fromisoformat(done_on) if done_on else None,
                )
        actions.issue_plan(plan, by=officer, number="12/KH-UBND", issued_on=dt.date(2026, 1, 15))
        created += 1
        cycle = Cycle.objects.filter(year=2025, scope__code="31").first()
        if merged is not None and cycle is not None:
            services.draft_improvement_plan(cycle, merged, by=None)
            created += 1
    return created
