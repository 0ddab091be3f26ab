"""The public survey form under load (a short form of scripts/load_survey.py: 20 clients for 8 s
against gunicorn with 2 workers): every form the server confirmed is stored once, nothing else is
stored, and no answer is a server error."""

from __future__ import annotations

from tests.reliability.conftest import load_survey, server_url


def test_concurrent_citizens_lose_nothing_and_duplicate_nothing() -> None:
    result = load_survey.run(clients=20, seconds=8, database_url=server_url())
    assert result["server_errors"] == 0, result["server_log_errors"]
    assert result["failure_count"] == 0, result["failures"]
    assert (result["lost"], result["duplicated"], result["unconfirmed"]) == ([], [], [])
    assert result["forms_stored"] == result["forms_confirmed"] > 20
    assert result["answers_stored"] == result["answers_expected"]
    assert load_survey.passed(result)
