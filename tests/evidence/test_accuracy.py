"""The issue's measure: kind, number and date read right from a corpus built here, at least 95%
each for text PDFs (and Word files) and 85% for scans; the command prints the same figures."""

from __future__ import annotations

import io

from django.core.management import call_command

from parindex.evidence import corpus


def test_accuracy_on_the_built_corpus(built_corpus: list[corpus.Sample]) -> None:
    assert sum(s.group == corpus.TEXT for s in built_corpus) == 20
    assert sum(s.group == corpus.SCAN for s in built_corpus) == 8
    assert sum(s.signed for s in built_corpus) == 4
    assert {s.kind for s in built_corpus} >= {"ke_hoach", "bao_cao", "quyet_dinh", "cong_van"}
    scores = corpus.measure(built_corpus)
    for group, floor in ((corpus.TEXT, 0.95), (corpus.WORD, 0.95), (corpus.SCAN, 0.85)):
        for field in corpus.FIELDS:
            assert scores[group].rate(field) >= floor, (group, field, scores[group].misses)


def test_the_command_prints_the_figures() -> None:
    out = io.StringIO()
    call_command("evidence_accuracy", "--text", "3", "--scans", "1", "--signed", "1", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("text_pdf") and "100.0%" in line for line in lines)
    assert any(line.startswith("scan") for line in lines)
    assert lines[-4].split()[:4] == ["group", "files", "kind", "number"]
