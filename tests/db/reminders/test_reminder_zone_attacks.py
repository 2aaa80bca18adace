"""The reminder's time zone (revision 0036) from the attacker's side: a client role with an
account of its own and hand-written calls. Whatever is sent as a zone is refused with its own
state (TDR05) or is a place's IANA name; nothing of another person's is set or told; the
helper that turns due times into ring times is out of a client's reach; and a zone stored
earlier that the server no longer knows never blocks an edit of the due date."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg import errors as pg

from tests.support.attack_helpers import answer, attacker
from todo_desktop.core.values import Task, TaskChanges, TaskDraft

SET = "SELECT todo_api.set_reminder(%s, %s, %s, %s)"
OLD_SET = "SELECT todo_api.set_reminder(%s, %s, %s)"
DUE = datetime(2027, 3, 28, 7, tzinfo=UTC)  # 09:00 in Berlin, the day summer time begins
STORED = (
    "SELECT task_id, user_id, remind_at, before_due, fire_at, delivered_at, zone FROM public.task_reminders"
)


@pytest.fixture
def raw(test_db) -> Iterator[psycopg.Connection]:
    c = attacker(test_db.client_url)
    yield c
    c.close()


@pytest.fixture
def mine(alice_tasks) -> Task:
    return alice_tasks.create(TaskDraft(title="mine", due_date=DUE))


def stored(test_db) -> list[tuple]:
    with test_db.superuser() as su:
        return su.execute(STORED + " ORDER BY task_id").fetchall()


@pytest.mark.parametrize(
    "zone",
    [
        "Mars/Base",
        "",
        "x" * 10_000,
        "Europe/" + "x" * 10_000,
        "UTC; DROP TABLE public.tasks",
        "Europe/Berlin'; DROP TABLE public.tasks; --",
        "EST5EDT,M3.2.0,M11.1.0",  # PostgreSQL reads it as a rule; it names no place
        "<+03>-3",
        "UTC+3",  # a POSIX rule too (three hours west of UTC, despite its look)
        "EST",  # an abbreviation first: its meaning follows the session's timezone_abbreviations
        "UTC",
        "America/Argentina",  # a folder of zones, not a zone
        "Europe/../Europe/Berlin",
        "../../../../etc/passwd",
        "/usr/share/zoneinfo/Europe/Berlin",
        "Europe/Berlin ",
        " Europe/Berlin",
    ],
)
def test_what_is_no_place_is_refused_with_its_own_state(raw, alice, mine, test_db, zone):
    started = time.monotonic()
    with pytest.raises(psycopg.Error) as info:
        answer(raw, alice.token, SET, (mine.id, None, timedelta(days=1), zone))
    assert info.value.sqlstate == "TDR05", info.value
    assert time.monotonic() - started < 2
    assert stored(test_db) == []


def test_a_nul_byte_never_reaches_a_row(raw, alice, mine, test_db):
    with pytest.raises(psycopg.DataError):  # the driver will not send it
        answer(raw, alice.token, SET, (mine.id, None, timedelta(days=1), "Europe/Berlin\x00"))
    for nul in ("chr(0)", "convert_from('\\x00'::bytea, 'UTF8')"):
        with pytest.raises(psycopg.Error):  # nor will the server make one
            answer(
                raw,
                alice.token,
                f"SELECT todo_api.set_reminder(%s, NULL, interval '1 day', 'Europe/Berlin' || {nul})",
                (mine.id,),
            )
    assert stored(test_db) == []


def test_another_persons_task_answers_as_one_that_does_not_exist(raw, alice, bob_tasks, test_db):
    theirs = bob_tasks.create(TaskDraft(title="Bob's", due_date=DUE))
    with test_db.superuser() as su:
        su.execute(
            "INSERT INTO public.task_reminders (task_id, user_id, before_due, fire_at) "
            "SELECT id, user_id, interval '10 minutes', due_date - interval '10 minutes' "
            "FROM public.tasks WHERE id = %s",
            (theirs.id,),
        )
    before = stored(test_db)
    for zone in ("Europe/Berlin", None):
        args = (None, timedelta(days=1), zone)
        assert answer(raw, alice.token, SET, (theirs.id, *args)) == [(False,)]
        assert answer(raw, alice.token, SET, (uuid.uuid4(), *args)) == [(False,)]
    # A bad zone is refused before any task is looked at: the same answer for any id.
    for task_id in (theirs.id, uuid.uuid4()):
        with pytest.raises(psycopg.Error) as info:
            answer(raw, alice.token, SET, (task_id, None, timedelta(days=1), "Mars/Base"))
        assert info.value.sqlstate == "TDR05"
    assert stored(test_db) == before


def test_a_zone_is_kept_only_with_an_offset(raw, alice, mine, test_db):
    at = datetime(2027, 1, 1, 9, tzinfo=UTC)
    assert answer(raw, alice.token, SET, (mine.id, at, None, "Europe/Berlin")) == [(True,)]
    assert [(r[2], r[6]) for r in stored(test_db)] == [(at, None)]
    assert answer(raw, alice.token, SET, (mine.id, None, timedelta(days=1), "Europe/Berlin")) == [(True,)]
    assert [(r[3], r[4], r[6]) for r in stored(test_db)] == [
        (timedelta(days=1), datetime(2027, 3, 27, 8, tzinfo=UTC), "Europe/Berlin")
    ]


def test_an_older_clients_call_still_sets_an_exact_offset(raw, alice, mine, test_db):
    assert answer(raw, alice.token, OLD_SET, (mine.id, None, timedelta(days=1))) == [(True,)]
    assert [(r[4], r[6]) for r in stored(test_db)] == [(DUE - timedelta(days=1), None)]
    assert answer(raw, alice.token, "SELECT todo_api.set_reminder(%s, NULL, '1 day', NULL)", (mine.id,)) == [
        (True,)
    ]


def test_the_functions_stay_the_apis_own(test_db):
    with test_db.superuser() as su:
        su.execute("SET search_path = pg_catalog")  # every name printed with its schema
        rows = su.execute(
            "SELECT p.oid::regprocedure::text, r.rolname, p.prosecdef, p.proconfig, "
            "has_function_privilege('todo_app', p.oid, 'EXECUTE'), "
            "p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) "
            "FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner "
            "WHERE p.proname IN ('set_reminder', 'todo_reminder_fire_at')"
        ).fetchall()
    rows.sort()
    assert [r[0] for r in rows] == [
        "public.todo_reminder_fire_at(timestamp with time zone,interval,text)",
        "todo_api.set_reminder(uuid,timestamp with time zone,interval,text)",  # one: no ambiguity
    ]
    (helper, api) = rows
    assert api[1] == "todo_api_owner" and api[2] and api[4] and not api[5]
    assert not helper[2] and not helper[4] and not helper[5]  # no client may call the helper
    for row in rows:
        assert "search_path=pg_catalog, pg_temp" in row[3] and "jit=off" in row[3], row


def test_the_helper_is_out_of_a_clients_reach(raw, alice):
    with pytest.raises(pg.InsufficientPrivilege):
        answer(
            raw, alice.token, "SELECT public.todo_reminder_fire_at(now(), interval '1 day', 'Europe/Berlin')"
        )


def test_a_zone_the_server_no_longer_knows_never_blocks_a_due_date_edit(
    alice, alice_tasks, mine, raw, test_db
):
    """A database restored onto a server whose tz database lacks a zone: the offset then
    counts its days as 24 hours rather than refusing the person's edit."""
    assert answer(raw, alice.token, SET, (mine.id, None, timedelta(days=1), "Europe/Berlin")) == [(True,)]
    with test_db.superuser() as su:
        su.execute("UPDATE public.task_reminders SET zone = 'Gone/Away'")
    moved = DUE + timedelta(days=7)
    alice_tasks.update(mine.id, TaskChanges(due_date=moved))
    assert [(r[4], r[6]) for r in stored(test_db)] == [(moved - timedelta(days=1), "Gone/Away")]
