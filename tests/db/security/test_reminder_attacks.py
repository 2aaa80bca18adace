"""Reminders from the attacker's side: a client role with an account of its own and
hand-written calls of the todo_api reminder functions. Another person's task must answer
exactly as an id that does not exist; the table is out of reach; a claim can only ever hand
out the caller's own reminders, whatever the session's settings say."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg import errors as pg

from tests.support.attack_helpers import answer, as_session
from todo_desktop.core.values import Task, TaskDraft

SET = "SELECT todo_api.set_reminder(%s, %s, %s)"
CLEAR = "SELECT todo_api.clear_reminder(%s)"
READ = "SELECT * FROM todo_api.reminder_of(%s)"
IDS = "SELECT todo_api.reminded_task_ids()"
CLAIM = "SELECT * FROM todo_api.claim_due_reminders(100, gen_random_uuid())"
SNOOZE = "SELECT todo_api.snooze_reminder(%s, %s)"
NEXT = "SELECT todo_api.next_reminder_at()"
PAST = datetime(2026, 1, 1, 9, tzinfo=UTC)


@pytest.fixture
def bobs(bob_tasks, test_db) -> Task:
    """Bob's task with a reminder that is due now and one more in the future."""
    task = bob_tasks.create(TaskDraft(title="Bob's secret plan", due_date=PAST + timedelta(days=400)))
    later = bob_tasks.create(TaskDraft(title="Bob later"))
    with test_db.superuser() as su:
        su.execute(
            "INSERT INTO public.task_reminders (task_id, user_id, remind_at, fire_at) "
            "SELECT id, user_id, %s, %s FROM public.tasks WHERE id = %s",
            (PAST, PAST, task.id),
        )
        su.execute(
            "INSERT INTO public.task_reminders (task_id, user_id, before_due, fire_at) "
            "SELECT id, user_id, interval '10 minutes', now() + interval '1 day' "
            "FROM public.tasks WHERE id = %s",
            (later.id,),
        )
    return task


def _stored(test_db) -> list[tuple]:
    with test_db.superuser() as su:
        return su.execute(
            "SELECT task_id, user_id, remind_at, before_due, fire_at, delivered_at "
            "FROM public.task_reminders ORDER BY task_id"
        ).fetchall()


def test_the_reminder_table_cannot_be_read_written_or_locked(conn, alice, bobs):
    for statement in (
        "SELECT * FROM public.task_reminders",
        "SELECT count(*) FROM public.task_reminders",
        "UPDATE public.task_reminders SET delivered_at = NULL",
        "DELETE FROM public.task_reminders",
        "INSERT INTO public.task_reminders (task_id, user_id, remind_at, fire_at) "
        "VALUES (gen_random_uuid(), gen_random_uuid(), now(), now())",
        "LOCK TABLE public.task_reminders",
        "EXPLAIN ANALYZE SELECT * FROM public.task_reminders",
    ):
        as_session(conn, alice.token)
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(statement)
        conn.rollback()


def test_rls_is_forced_and_binds_the_functions_owner(test_db, alice, bobs):
    with test_db.superuser() as su:
        row = su.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = 'task_reminders' AND relnamespace = 'public'::regnamespace"
        ).fetchone()
        assert row == (True, True)
        su.execute("SET ROLE todo_api_owner")
        su.execute("SELECT set_config('todo.session_token', %s, false)", (alice.token,))
        assert su.execute("SELECT count(*) FROM public.task_reminders").fetchone()[0] == 0
        assert su.execute("UPDATE public.task_reminders SET delivered_at = now()").rowcount == 0


def test_another_persons_task_answers_as_one_that_does_not_exist(conn, alice, bobs, test_db):
    before = _stored(test_db)
    nobody = uuid.uuid4()
    for statement, args in (
        (SET, (bobs.id, PAST, None)),
        (SET, (bobs.id, None, timedelta(minutes=5))),
        (CLEAR, ()),
        (READ, ()),
        (SNOOZE, (bobs.id, 10)),
    ):
        if statement in (CLEAR, READ):
            args = (bobs.id,)
        theirs = answer(conn, alice.token, statement, args)
        missing = answer(conn, alice.token, statement, (nobody, *args[1:]))
        assert theirs == missing, statement
    assert answer(conn, alice.token, READ, (bobs.id,)) == []
    assert answer(conn, alice.token, SET, (bobs.id, PAST, None)) == [(False,)]
    assert _stored(test_db) == before  # nothing of Bob's changed, nothing new made


def test_a_claim_never_hands_out_another_persons_reminders(conn, alice, bob, bobs, test_db):
    assert answer(conn, alice.token, CLAIM) == []
    assert answer(conn, alice.token, IDS) == [([],)]
    assert answer(conn, alice.token, NEXT) == [(None,)]
    # Session settings an attacker can reach change nothing: the token alone names the person.
    for name, value in (
        ("todo.user_id", str(bob.account.id)),
        ("todo.session_token", str(bob.account.id)),
        ("todo.session_token", ""),
    ):
        as_session(conn, alice.token)
        conn.execute("SELECT set_config(%s, %s, true)", (name, value))
        with contextlib.suppress(pg.InsufficientPrivilege):  # no session at all: refused outright
            assert conn.execute(CLAIM).fetchall() == []
        conn.rollback()
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute("SET ROLE todo_api_owner")
    conn.rollback()
    assert [r[5] for r in _stored(test_db)] == [None, None]  # Bob's still ring, for Bob


def test_signed_out_calls_are_refused(conn, bobs):
    for statement, args in ((CLAIM, ()), (IDS, ()), (NEXT, ()), (SET, (bobs.id, PAST, None))):
        as_session(conn, None)
        with pytest.raises(pg.InsufficientPrivilege):
            conn.execute(statement, args)
        conn.rollback()


def test_a_claim_is_opaque_to_explain(conn, alice, bobs):
    as_session(conn, alice.token)
    plan = "\n".join(r[0] for r in conn.execute("EXPLAIN ANALYZE " + CLAIM).fetchall())
    conn.rollback()
    assert "Function Scan" in plan and "Removed" not in plan and "task_reminders" not in plan, plan


def test_one_reminder_per_task_and_only_on_ones_own_tasks(conn, alice, alice_tasks, test_db):
    task = alice_tasks.create(TaskDraft(title="mine", due_date=PAST + timedelta(days=400)))
    for _ in range(3):
        assert answer(conn, alice.token, SET, (task.id, None, timedelta(minutes=10))) == [(True,)]
    assert answer(conn, alice.token, SET, (task.id, PAST, None)) == [(True,)]
    rows = _stored(test_db)
    assert len(rows) == 1 and rows[0][2] == PAST and rows[0][3] is None


@pytest.mark.parametrize(
    ("at", "before", "state"),
    [
        (None, None, "TDR01"),  # neither
        (PAST, timedelta(minutes=5), "TDR01"),  # both
        (None, timedelta(days=31), "TDR02"),
        (None, timedelta(minutes=-5), "TDR02"),
        (None, timedelta(days=-36_500), "TDR02"),
        (datetime(1800, 1, 1, tzinfo=UTC), None, "TDR03"),
        (datetime(9999, 6, 1, tzinfo=UTC), None, "TDR03"),
    ],
)
def test_bad_settings_are_refused_with_their_own_state(conn, alice, alice_tasks, test_db, at, before, state):
    task = alice_tasks.create(TaskDraft(title="mine"))
    with pytest.raises(psycopg.Error) as info:
        answer(conn, alice.token, SET, (task.id, at, before))
    assert info.value.sqlstate == state
    assert _stored(test_db) == []


def test_infinite_and_odd_values_are_refused(conn, alice, alice_tasks, test_db):
    task = alice_tasks.create(TaskDraft(title="mine"))
    for statement in (
        f"SELECT todo_api.set_reminder('{task.id}', 'infinity', NULL)",
        f"SELECT todo_api.set_reminder('{task.id}', NULL, interval '1 month 1 day')",
        f"SELECT todo_api.set_reminder('{task.id}', NULL, interval '1 year')",
    ):
        with pytest.raises(psycopg.Error):
            answer(conn, alice.token, statement)
    assert _stored(test_db) == []


@pytest.mark.parametrize("minutes", [0, -1, 1441, 2**31 - 1, None])
def test_a_snooze_out_of_range_is_refused(conn, alice, alice_tasks, minutes):
    task = alice_tasks.create(TaskDraft(title="mine"))
    answer(conn, alice.token, SET, (task.id, PAST, None))
    with pytest.raises(psycopg.Error) as info:
        answer(conn, alice.token, SNOOZE, (task.id, minutes))
    assert info.value.sqlstate == "TDR04"


@pytest.mark.parametrize("limit", [0, -1, 1001, None])
def test_a_claim_of_absurd_size_is_refused(conn, alice, limit):
    with pytest.raises(psycopg.Error):
        answer(conn, alice.token, "SELECT * FROM todo_api.claim_due_reminders(%s, NULL)", (limit,))


def test_the_trigger_function_is_not_callable_by_clients(conn, alice):
    as_session(conn, alice.token)
    with pytest.raises((pg.InsufficientPrivilege, pg.FeatureNotSupported)):
        conn.execute("SELECT public.todo_reminder_follows_due()")
    conn.rollback()


def test_every_reminder_function_follows_the_api_rules(test_db):
    """Owned by the NOLOGIN owner, definer's rights, search_path pinned, never PUBLIC's."""
    with test_db.superuser() as su:
        rows = su.execute(
            "SELECT p.proname, r.rolname, p.prosecdef, p.proconfig, "
            "has_function_privilege('todo_app', p.oid, 'EXECUTE'), "
            "p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) "
            "FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner "
            "WHERE p.pronamespace = 'todo_api'::regnamespace AND p.proname LIKE '%%remind%%'"
        ).fetchall()
    assert len(rows) == 7
    for name, owner, definer, settings, clients, public in rows:
        assert owner == "todo_api_owner" and definer and clients and not public, name
        assert any(s.startswith("search_path=pg_catalog") for s in settings), name


def test_a_next_occurrence_cannot_take_another_persons_task_as_its_reminder(
    conn, alice, alice_tasks, bobs, test_db
):
    """Completing a repeating task copies its offset reminder to the next occurrence; a next id
    that is Bob's task neither gets Alice's reminder nor changes Bob's."""
    due = PAST + timedelta(days=400)
    task = alice_tasks.create(TaskDraft(title="weekly", due_date=due, repeat="FREQ=WEEKLY"))
    answer(conn, alice.token, SET, (task.id, None, timedelta(minutes=30)))
    before = [r for r in _stored(test_db) if r[0] == bobs.id]
    as_session(conn, alice.token)
    conn.execute(
        "SELECT * FROM todo_api.update_tasks(%s, %s, %s, %s, %s, %s, %s, %s, %s, "
        "NULL, NULL, NULL, NULL, NULL, %s, %s)",
        (
            [task.id],
            [None],
            [16],
            [None],
            [None],
            [None],
            [None],
            [None],
            [True],
            [bobs.id],
            [due + timedelta(7)],
        ),
    ).fetchall()
    conn.commit()
    assert [r for r in _stored(test_db) if r[0] == bobs.id] == before
