"""No call of the app compiles its queries to machine code (PostgreSQL's JIT).

A server built with LLVM (Debian's PostgreSQL, most hosted ones) compiles any statement whose
estimated cost passes ``jit_above_cost``. The functions plan once for anyone with sequential
scans priced out (``enable_seqscan = off``), so a one-row table read in a trigger was priced
at ten billion and every write spent about 125 ms compiling a plan that runs in microseconds.
These statements are all short: compiling never pays, so every function turns it off itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from todo_desktop.core.values import Priority, Status, TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.tasks import TaskRepository

# The server's default costs, and auto_explain telling the client of every plan run, nested
# ones too, with a "JIT:" part for each one compiled.
_WATCHING = {
    "jit": "on",
    "auto_explain.log_min_duration": "0",
    "auto_explain.log_nested_statements": "on",
    "auto_explain.log_analyze": "on",
    "auto_explain.log_level": "notice",
}


@pytest.fixture
def watched(test_db) -> Iterator[tuple[Database, list[str]]]:
    """The app's data layer on a connection that reports every plan it runs."""
    with test_db.superuser() as su:
        if not su.execute("SELECT pg_jit_available()").fetchone()[0]:
            pytest.skip("this server has no JIT compiler")
    plans: list[str] = []
    target = parse_database_url(test_db.cluster.url(test_db.name))
    engine = create_db_engine(target)

    @event.listens_for(engine, "connect")
    def _watch(dbapi_conn, _record) -> None:
        dbapi_conn.execute("LOAD 'auto_explain'")
        for name, value in _WATCHING.items():
            dbapi_conn.execute(f"SET {name} = '{value}'")
        dbapi_conn.commit()
        dbapi_conn.add_notice_handler(lambda notice: plans.append(notice.message_primary or ""))

    db = Database(engine, target, retry_budget=2.0)
    yield db, plans
    db.dispose()


def _compiled(plans: list[str]) -> list[str]:
    return [plan for plan in plans if "JIT:" in plan]


def test_the_watch_sees_a_compiled_plan(watched):
    """The check below could not pass by seeing nothing: a query priced to compile is."""
    db, plans = watched
    with db.transaction(None) as conn:
        conn.exec_driver_sql("SET LOCAL jit_above_cost = 0")
        conn.exec_driver_sql("SELECT sum(g) FROM generate_series(1, 1000) AS g")
    assert _compiled(plans)


def test_no_call_of_the_app_compiles(watched, alice):
    db, plans = watched
    tasks = TaskRepository(db, alice.token)
    due = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    made = tasks.create(
        TaskDraft(title="Call the plumber", priority=Priority.HIGH, due_date=due, tags=("home",))
    )
    other = tasks.create(TaskDraft(title="Pay the invoice"))
    tasks.list(TaskQuery(status=Status.ALL))
    tasks.list(TaskQuery(text="plum"))
    tasks.list(TaskQuery(text="plumber -invoice"))
    tasks.update(made.id, TaskChanges(title="Call the plumber today"), made.updated_at)
    tasks.toggle(tasks.get(made.id))
    tasks.counts(datetime.now(UTC), ZoneInfo("UTC"))
    tasks.tags()
    tasks.rename_tag("home", "house")
    tasks.delete([other.id])
    tasks.restore_many([other])
    cursor = tasks.change_cursor()
    tasks.changed_since(cursor)
    tasks.removed_since(cursor)
    assert len(plans) > 50  # the watch saw the functions' own statements
    assert _compiled(plans) == []


def test_every_function_with_settings_of_its_own_turns_jit_off(test_db):
    """The watch above runs on servers with a compiler; this holds on any, and catches a
    later revision that makes a function again without the setting."""
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT p.oid::regprocedure::text, p.proconfig FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname IN ('todo_api', 'todo_auth', 'public') AND p.prokind = 'f' "
            "AND (p.proconfig IS NOT NULL OR p.prosecdef)"
        ).fetchall()
    assert len(rows) > 40
    assert [name for name, settings in rows if "jit=off" not in (settings or [])] == []
