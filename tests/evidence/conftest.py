"""Documents built once per test session (LibreOffice is slow to start)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from parindex.evidence import corpus
from parindex.reports.docx import render_docx
from tests.evidence.builders import pdfs, state


@pytest.fixture(scope="session")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("evidence-documents")
    built = pdfs(
        folder,
        {
            "report_2025": state(
                "BC",
                41,
                dt.date(2025, 12, 15),
                "Kết quả thực hiện công tác cải cách hành chính năm 2025",
            ),
            "decision_2025": state(
                "QĐ",
                12,
                dt.date(2025, 2, 15),
                "Về việc kiện toàn Ban biên tập Trang thông tin điện tử xã",
            ),
            "plan_2024": state("KH", 35, dt.date(2024, 1, 27), "Cải cách hành chính năm 2024"),
            "plan_2025": state("KH", 36, dt.date(2025, 1, 20), "Cải cách hành chính năm 2025"),
        },
    )
    built["decision_docx"] = render_docx(
        state("QĐ", 13, dt.date(2025, 3, 1), "Về việc công bố danh mục thủ tục hành chính")
    )
    built["decision_signed"] = corpus.sign_pdf(built["decision_2025"], corpus.make_signer())
    return built


@pytest.fixture(scope="session")
def built_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[corpus.Sample]:
    """20 text PDFs (4 signed), their 20 Word files and 8 scans (4 PNG, 4 scanned PDFs)."""
    return corpus.build(Path(tmp_path_factory.mktemp("corpus")), text=20, scans=8, signed=4)
