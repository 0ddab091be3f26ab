"""The database going away during a request: the citizen gets a clear page (503, in Vietnamese),
nothing of the request is written, and sending again once the database is back works.

On PostgreSQL the server's own connection is killed (pg_terminate_backend) while the request waits
inside its transaction, after it has inserted the form and before its answers; on SQLite the file
is held locked for writing longer than the server waits for it (DATABASE_TIMEOUT=1)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tests.reliability.conftest import load_survey, query

MESSAGE = "Hệ thống tạm thời không kết nối được cơ sở dữ liệu"


@contextmanager
def database_cut_off(instance: Any, table: str) -> Iterator[Callable[[], None]]:
    """While inside, the server cannot use its database; call the yielded function once the
    request is under way (PostgreSQL: it kills the server's connection waiting on `table`)."""
    if instance.engine == "postgresql":
        import psycopg

        holder = psycopg.connect(instance.database_url)
        holder.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")

        def cut() -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                waiting = query(
                    instance,
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
                )
                if waiting:
                    query(instance, f"SELECT pg_terminate_backend({waiting[0][0]})")
                    return
                time.sleep(0.05)
            raise AssertionError("the request never waited on the locked table")

        try:
            yield cut
        finally:
            holder.rollback()
            holder.close()
    else:
        import sqlite3

        holder = sqlite3.connect(instance.root / "db.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held past the server's timeout
        try:
            yield lambda: None
        finally:
            holder.execute("ROLLBACK")
            holder.close()


def _send(port: int, path: str, body: dict[str, str], cookies: dict[str, str], cut: Any) -> Any:
    answer: list[Any] = []
    thread = threading.Thread(
        target=lambda: answer.append(
            load_survey.request(port, "POST", path, body=body, cookies=cookies, timeout=60)
        )
    )
    thread.start()
    cut()
    thread.join(60)
    assert answer, "no answer from the server"
    return answer[0]


def _counts(instance: Any) -> tuple[int, int]:
    forms = query(instance, "SELECT count(*) FROM surveys_response")[0][0]
    answers = query(instance, "SELECT count(*) FROM surveys_responseanswer")[0][0]
    return forms, answers


def test_a_form_sent_while_the_database_is_gone_gets_a_clear_page_and_writes_nothing(
    new_instance: Callable[[], Any],
) -> None:
    instance = new_instance()
    token = instance.run_python(load_survey.SETUP)["token"]
    base = f"/khao-sat/p/{token}"
    with instance.serve(workers=1, DATABASE_TIMEOUT="1") as server:
        cookies: dict[str, str] = {}
        status, _h, page = load_survey.request(server.port, "GET", f"{base}/1/", cookies=cookies)
        found = load_survey.CSRF.search(page)
        assert status == 200
        assert found is not None
        csrf = found.group(1).decode()
        pages = [dict(p, csrfmiddlewaretoken=csrf) for p in load_survey.PAGES]
        pages[4]["PA2"] = "gửi khi mất kết nối"

        # A page whose only write is the visitor's session (saved after the view).
        with database_cut_off(instance, "django_session") as cut:
            status, headers, body = _send(server.port, f"{base}/1/", pages[0], cookies, cut)
        assert status == 503, body[:500]
        assert MESSAGE in body.decode()
        assert headers["retry-after"] == "60"

        for number, data in enumerate(pages[:5], start=1):
            status, headers, _b = load_survey.request(
                server.port, "POST", f"{base}/{number}/", body=data, cookies=cookies
            )
            assert (status, headers["location"]) == (302, f"{base}/{number + 1}/")

        # The last page: the form and its answers are one transaction, cut off half-way.
        with database_cut_off(instance, "surveys_responseanswer") as cut:
            status, _h, body = _send(server.port, f"{base}/6/", pages[5], cookies, cut)
        assert status == 503
        text = body.decode()
        assert MESSAGE in text
        assert "chưa được lưu" in text
        assert "Traceback" not in text
        assert _counts(instance) == (0, 0)  # no form without its answers

        # The database back: the same page sent again stores the form, once.
        status, headers, _b = load_survey.request(
            server.port, "POST", f"{base}/6/", body=pages[5], cookies=cookies
        )
        assert (status, headers["location"]) == (302, f"{base}/cam-on/")
    assert _counts(instance) == (1, 16)
    stored = query(instance, "SELECT value FROM surveys_responseanswer WHERE question = 'PA2'")
    assert stored == [("gửi khi mất kết nối",)]
