"""Two ways round the function API that the API's own checks did not cover, tried from the
attacker's side (a client role with an account of its own and hand-written SQL): the plans
of the statements inside a function, which carry the planner's estimates from everyone's
rows, sent to a client that asks for LOG messages; and rows one account can store without
bound beyond its quotas (deletion notes, sessions)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg.types.json import Json

from tests.db.security.test_newer_function_attacks import make
from tests.support.attack_helpers import as_session, attacker
from tests.support.database import PASSWORD
from todo_desktop.core.errors import TodoError

DUE = datetime(2031, 5, 4, 9, tzinfo=UTC)


# -- plans of the statements inside a function (revision 0030) --------------------------------------------


def _inner_estimates(test_db, token: str, start: datetime, end: datetime) -> list[int]:
    """The row estimates of every plan on public.tasks that reaches the client while
    todo_api.task_counts counts the open tasks due in [start, end). ``debug_print_plan`` is a
    setting any role may change, and ``client_min_messages = log`` sends its LOG output, the
    plan of every statement planned meanwhile, nested ones too, to the client."""
    details: list[str] = []
    c = attacker(test_db.client_url)
    try:
        c.add_notice_handler(lambda notice: details.append(notice.message_detail or ""))
        as_session(c, token)
        tasks = c.execute("SELECT 'public.tasks'::regclass::oid").fetchone()[0]
        c.execute("SET LOCAL client_min_messages = log")
        c.execute("SET LOCAL debug_print_plan = on")
        c.execute("SELECT * FROM todo_api.task_counts(%s, %s, %s, %s)", (start, start, end, end)).fetchall()
        c.rollback()
    finally:
        c.close()
    on_tasks = [d for d in details if re.search(rf":relid {tasks}\b", d)]
    return [int(n) for d in on_tasks for n in re.findall(r"plan_rows (\d+)", d)]


def test_no_plan_from_inside_a_function_reaches_the_client(test_db, alice, bob):
    """Plain EXPLAIN shows a function call as one Function Scan; the plans inside must stay as
    hidden. Bob has 200 tasks due at one moment, Alice 200 with no date (so her own share of
    the table is large enough for an estimate above one row). After the statistics are taken
    (autovacuum does it on its own), Alice counts her tasks due in a two-hour window around
    Bob's moment and in one a day later: she has none in either, so the answers are equal,
    and so must be everything else she is told."""
    make(test_db, bob.token, 200, "Bob's appointment {i}", due=DUE)
    make(test_db, alice.token, 200, "mine {i}")
    with test_db.superuser() as su:
        su.execute("ANALYZE public.tasks")
    hour = timedelta(hours=1)
    at_bobs = _inner_estimates(test_db, alice.token, DUE - hour, DUE + hour)
    a_day_later = _inner_estimates(test_db, alice.token, DUE + 23 * hour, DUE + 25 * hour)
    # Before revision 0030: [1, 50, 1, ...] against [1, 1, 1, ...]: the 50 is Bob's date.
    assert at_bobs == a_day_later


def test_every_function_with_settings_keeps_log_messages_from_its_caller(conn):
    """The setting revision 0030 pins, on each function that runs with settings of its own
    (every SECURITY DEFINER one, the triggers'): one added later without it would send its
    plans to a client asking for them."""
    bare = conn.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname IN ('todo_api', 'todo_auth', 'public') AND p.prokind = 'f'"
        " AND (p.prosecdef OR p.proconfig IS NOT NULL)"
        " AND NOT 'client_min_messages=notice' = ANY(coalesce(p.proconfig, '{}'))"
        " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
        "                 AND d.objid = p.oid AND d.deptype = 'e')"
    ).fetchall()
    assert bare == []


# -- storage one account could fill beyond its quotas (revisions 0031, 0032) -------------------


def test_deletion_notes_of_one_account_stay_within_its_task_quota(test_db, conn, alice):
    """The task quota bounds the rows one account holds; the note each deletion leaves for the
    other devices must not escape it. With a quota of 100, the account makes and deletes 100
    fresh tasks twelve times: before revision 0032, 1,200 notes; now the newest 100, those of
    the last round, which the other devices still read."""
    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.settings SET max_tasks_per_user = 100")
    for _ in range(12):
        ids = [uuid.uuid4() for _ in range(100)]
        document = [
            {"id": str(i), "title": "t", "title_key": "t", "priority": "low", "done": False} for i in ids
        ]
        as_session(conn, alice.token)
        assert conn.execute("SELECT added FROM todo_api.import_tasks(%s)", (Json(document),)).fetchone() == (
            100,
        )
        deleted = conn.execute("SELECT count(*) FROM todo_api.delete_tasks(%s, %s)", (ids, [None] * 100))
        assert deleted.fetchone() == (100,)
        conn.commit()
    with test_db.superuser() as su:
        notes = su.execute(
            "SELECT task_id FROM public.task_removals WHERE user_id = %s", (alice.account.id,)
        ).fetchall()
    assert {n[0] for n in notes} == set(ids)


def test_live_sessions_of_one_account_are_bounded(test_db, conn, accounts, alice):
    """Known devices are capped at 50 per account, sessions at 100 (revision 0031). The key is
    derived once (the costly part is the client's), then each sign-in is two cheap statements."""
    key = accounts.derive_key(alice.account.email, PASSWORD)
    with test_db.superuser() as su:  # past the sign-ins one role may begin a minute
        su.execute("UPDATE todo_auth.settings SET max_sign_ins_per_minute = 1000")
    for _ in range(120):
        attempt = conn.execute(
            "SELECT todo_auth.begin_login(%s, %s, 'flood', NULL)", (alice.account.email, key)
        ).fetchone()[0]
        conn.commit()
        newest = conn.execute("SELECT todo_auth.finish_login(%s)", (attempt,)).fetchone()[0]
        assert newest
        conn.commit()
    with test_db.superuser() as su:
        live = su.execute(
            "SELECT count(*) FROM todo_auth.sessions WHERE user_id = %s AND revoked_at IS NULL "
            "AND expires_at > now()",
            (alice.account.id,),
        ).fetchone()[0]
        stored = su.execute(
            "SELECT count(*) FROM todo_auth.sessions WHERE user_id = %s", (alice.account.id,)
        ).fetchone()[0]
    assert live <= 100 and stored <= 100
    # The newest still works: the cap ends the oldest.
    as_session(conn, newest)
    assert conn.execute("SELECT todo_auth.current_user_id()").fetchone()[0] == alice.account.id
    conn.rollback()


def test_sign_in_attempts_of_one_role_are_bounded_each_minute(test_db, conn, accounts):
    """begin_login must record every attempt, and asks nothing costly of the caller (a wrong
    key is 32 bytes of anything): a client could store attempts at a thousand a second, kept a
    week, and fill the database for everyone. Each login role (a person's, on a shared
    database) may begin at most max_sign_ins_per_minute of them a minute (revision 0033)."""
    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.settings SET max_sign_ins_per_minute = 20")
    for n in range(20):
        conn.execute(
            "SELECT todo_auth.begin_login(%s, %s, 'flood', NULL)", (f"x{n}@example.com", b"\x01" * 32)
        )
        conn.commit()
    with pytest.raises(psycopg.DatabaseError) as refused:
        conn.execute("SELECT todo_auth.begin_login('y@example.com', %s, 'flood', NULL)", (b"\x01" * 32,))
    assert refused.value.sqlstate == "TDQ07"
    conn.rollback()
    with test_db.superuser() as su:
        stored = su.execute("SELECT count(*) FROM todo_auth.login_attempts").fetchone()[0]
    assert stored == 20
    with pytest.raises(TodoError) as said:  # what the window says
        accounts.sign_in("alice@example.com", PASSWORD)
    assert said.value.message == (
        "Too many sign-ins were tried from this database role in the last minute; try again in a minute."
    )
