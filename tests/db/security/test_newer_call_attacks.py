"""The calls around revisions 0020 to 0029, tried from the attacker's side (a client role
with an account of its own and hand-written SQL): reminders, tags and reads must not wait on
another person's locked rows, nor hand out anything of theirs; the export pages through the
caller's own tasks only; the import neither floods nor reveals or takes another's rows."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors as pg
from psycopg.types.json import Json

from tests.db.security.test_newer_function_attacks import DUE, PAST, called
from tests.support.attack_helpers import as_session, attacker
from tests.support.database import PASSWORD
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import Task, TaskDraft, TaskQuery
from todo_desktop.db.reminders import ReminderRepository

# -- reminders, tags, reads: no waiting on another person's locked rows ---------------------------


@pytest.fixture
def bobs_busy_task(test_db, bob, bob_tasks, client_db) -> Iterator[Task]:
    """Bob's task with a reminder, both rows held by an open transaction of Bob's: the task's
    title being edited and the reminder being snoozed."""
    task = bob_tasks.create(TaskDraft(title="Bob's secret plan", due_date=DUE, tags=("Secret",)))
    ReminderRepository(client_db, bob.token).set_reminder(task.id, ReminderSetting(at=PAST))
    holder = attacker(test_db.client_url)
    as_session(holder, bob.token)
    holder.execute(
        "SELECT * FROM todo_api.update_tasks(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        ([task.id], [None], [1], ["held"], ["held"], [None], [None], [None], [None]),
    ).fetchall()
    assert holder.execute("SELECT todo_api.snooze_reminder(%s, 5)", (task.id,)).fetchone() == (True,)
    try:
        yield task
    finally:
        holder.rollback()
        holder.close()


def test_no_call_waits_on_another_persons_locked_task_or_reminder(
    conn, alice, bob, alice_tasks, bobs_busy_task
):
    """Waiting on a row lock would tell, by the lock timeout, that the id is Bob's and that he
    is busy with it. Each call on his task answers at once, as for an id nobody holds.
    (Relies on the owner being part of each locking read's WHERE: a row that fails it is never
    locked, so never waited for.)"""
    mine = alice_tasks.create(TaskDraft(title="mine"))
    nobody = uuid.uuid4()
    # The rows are held: Bob himself, on another connection, waits for them.
    for statement in (
        "SELECT todo_api.set_reminder(%(id)s, now() + interval '1 day', NULL)",
        "SELECT todo_api.snooze_reminder(%(id)s, 10)",
    ):
        as_session(conn, bob.token)
        conn.execute("SET LOCAL lock_timeout = '300ms'")
        with pytest.raises(pg.LockNotAvailable):
            conn.execute(statement, {"id": bobs_busy_task.id})
        conn.rollback()
    for statement in (
        "SELECT todo_api.set_reminder(%(id)s, now() + interval '1 day', NULL)",
        "SELECT todo_api.snooze_reminder(%(id)s, 10)",
        "SELECT todo_api.clear_reminder(%(id)s)",
        "SELECT * FROM todo_api.reminder_of(%(id)s)",
        "SELECT todo_api.restore_tag('secret', 'secret', ARRAY[%(id)s, %(mine)s])",
        "SELECT id FROM todo_api.get_tasks(ARRAY[%(id)s, %(mine)s])",
        "SELECT id FROM todo_api.my_tasks(false, '-infinity', %(id)s, 10)",
        "SELECT * FROM todo_api.claim_due_reminders(100, gen_random_uuid())",
    ):
        answers = []
        for target in (bobs_busy_task.id, nobody):
            as_session(conn, alice.token)
            conn.execute("SET LOCAL lock_timeout = '300ms'")
            answers.append(conn.execute(statement, {"id": target, "mine": mine.id}).fetchall())
            conn.rollback()
        assert answers[0] == answers[1], statement


def test_a_replayed_claim_id_hands_out_nothing_of_anothers(test_db, conn, alice, bob, bob_tasks, client_db):
    """A claim id lets a device ask again for what its lost answer held. Bob's id, replayed by
    Alice, hands her nothing and takes nothing from him. (Relies on the owner filter of the
    replayed part of claim_due_reminders.)"""
    task = bob_tasks.create(TaskDraft(title="Bob's secret plan", due_date=DUE))
    ReminderRepository(client_db, bob.token).set_reminder(task.id, ReminderSetting(at=PAST))
    claim = uuid.uuid4()
    as_session(conn, bob.token)
    claimed = conn.execute(
        "SELECT task_id, title FROM todo_api.claim_due_reminders(10, %s)", (claim,)
    ).fetchall()
    conn.commit()
    assert claimed == [(task.id, "Bob's secret plan")]
    with test_db.superuser() as su:
        before = su.execute("SELECT * FROM public.task_reminders").fetchall()
    assert called(conn, alice.token, "SELECT * FROM todo_api.claim_due_reminders(10, %s)", (claim,)) == []
    as_session(conn, alice.token)
    conn.execute("SELECT * FROM todo_api.claim_due_reminders(10, %s)", (claim,)).fetchall()
    conn.commit()
    with test_db.superuser() as su:
        assert su.execute("SELECT * FROM public.task_reminders").fetchall() == before
    # Bob's own replay still works: his answer was not taken.
    assert called(conn, bob.token, "SELECT task_id FROM todo_api.claim_due_reminders(10, %s)", (claim,)) == [
        (task.id,)
    ]


def test_restore_tag_takes_only_the_callers_tasks_once_whatever_the_array(
    test_db, conn, alice, alice_tasks, bob_tasks
):
    """Bob's ids, duplicates and nulls among hers: the tag goes on each of her tasks once and
    on nothing of his; more ids than a batch may hold are refused before any is read."""
    bobs = bob_tasks.create(TaskDraft(title="Bob's", tags=("Secret",)))
    mine = alice_tasks.create(TaskDraft(title="mine"))
    ids = [mine.id, None, bobs.id, mine.id, uuid.uuid4()]
    assert called(conn, alice.token, "SELECT todo_api.restore_tag('secret', 'secret', %s)", (ids,)) == [(1,)]
    as_session(conn, alice.token)
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(
            "SELECT todo_api.restore_tag('secret', 'secret', %s)", ([uuid.uuid4() for _ in range(10_001)],)
        )
    assert caught.value.sqlstate == "TDQ04"
    conn.rollback()
    assert bob_tasks.get(bobs.id) == bobs
    assert alice_tasks.get(mine.id).tags == ()  # the first call was rolled back


# -- the export (my_tasks, my_data) and the import ------------------------------------------------


def test_an_export_cursor_made_of_another_persons_task_pages_through_mine_only(
    conn, alice, alice_tasks, bob_tasks
):
    """my_tasks pages by (completed, created, id): a cursor naming Bob's task lands where that
    key would be among Alice's tasks, as a made-up id there does, and shows nothing of his.
    (Relies on the owner filter of the cursor's statement.)"""
    mine = [alice_tasks.create(TaskDraft(title=f"mine {i}")) for i in range(3)]
    bobs = bob_tasks.create(TaskDraft(title="Bob's secret plan", description="launch codes"))
    mine += [alice_tasks.create(TaskDraft(title=f"mine later {i}")) for i in range(2)]
    page = "SELECT id, task::text FROM todo_api.my_tasks(false, %s, %s, 100)"
    with_his = called(conn, alice.token, page, (bobs.created_at, bobs.id))
    with_none = called(conn, alice.token, page, (bobs.created_at, uuid.UUID(int=0)))
    assert [r[0] for r in with_his] == [r[0] for r in with_none] == [t.id for t in mine[3:]]
    assert all("launch" not in r[1] and "Bob" not in r[1] for r in with_his)


@pytest.mark.parametrize("limit", [0, -1, 5001, None])
def test_an_export_page_of_absurd_size_is_refused(conn, alice, limit):
    as_session(conn, alice.token)
    with pytest.raises(psycopg.Error) as caught:
        conn.execute("SELECT * FROM todo_api.my_tasks(NULL, NULL, NULL, %s)", (limit,))
    conn.rollback()
    assert caught.value.sqlstate == "22023"


def test_my_data_holds_no_attempt_on_my_email_made_before_my_account(test_db, conn, accounts):
    """Sign-in attempts on an email nobody holds yet (a stranger's probing, with a device
    name of the stranger's choosing) are not the later owner's data. (Relies on the export
    taking the attempts by the account's id as well as by the email's hash.)"""
    email = "carol@example.com"
    as_session(conn, None)
    conn.execute("SELECT todo_auth.begin_login(%s, %s, 'stranger-laptop', NULL)", (email, b"\x01" * 32))
    conn.commit()
    accounts.register(email, "Carol", "Tester", PASSWORD)
    carol = accounts.sign_in(email, PASSWORD)
    with test_db.superuser() as su:  # on record, under the email the account now has
        probing = su.execute(
            "SELECT count(*) FROM todo_auth.login_attempts WHERE email_hash = todo_auth.email_hash(%s) "
            "AND device = 'stranger-laptop'",
            (email,),
        )
        assert probing.fetchone() == (1,)
    data = called(conn, carol.token, "SELECT todo_api.my_data()::text")[0][0]
    attempts = json.loads(data)["sign_in_attempts"]
    assert attempts and all(a["device"] != "stranger-laptop" for a in attempts)


def test_an_import_of_one_task_with_a_hundred_thousand_tags_is_refused_and_writes_nothing(
    test_db, conn, alice
):
    """The document's tags are counted per task before any is saved. (Relies on check_tags
    refusing a count over the limit before save_tags runs.)"""
    names = [f"t{i}" for i in range(100_000)]
    document = [
        {"id": str(uuid.uuid4()), "title": "t", "title_key": "t", "priority": "low", "done": False,
         "tags": names[:1], "tag_keys": names},
    ]  # fmt: skip
    as_session(conn, alice.token)
    with pytest.raises(psycopg.Error) as caught:
        conn.execute("SELECT * FROM todo_api.import_tasks(%s)", (Json(document),))
    conn.rollback()
    assert caught.value.sqlstate == "TDQ05"
    with test_db.superuser() as su:
        assert su.execute("SELECT count(*) FROM public.tags").fetchone()[0] == 0
        assert su.execute("SELECT count(*) FROM public.tasks").fetchone()[0] == 0


def test_an_import_never_reveals_or_takes_another_persons_deleted_reminder(
    test_db, conn, alice, alice_tasks, bob_tasks, client_db, bob
):
    """Bob deleted a task with a reminder (kept for his undo); Alice imports a task under that
    id, which is free now. She gets the task, never his reminder, and his undo still finds it.
    (Relies on the kept reminders being keyed by person as well as task.)"""
    task = bob_tasks.create(TaskDraft(title="Bob's secret plan", due_date=DUE))
    ReminderRepository(client_db, bob.token).set_reminder(task.id, ReminderSetting(at=PAST))
    bob_tasks.delete([task.id])
    document = [{"id": str(task.id), "title": "mine", "title_key": "mine", "priority": "low", "done": False}]
    as_session(conn, alice.token)
    assert conn.execute(
        "SELECT added, taken FROM todo_api.import_tasks(%s)", (Json(document),)
    ).fetchone() == (
        1,
        [],
    )
    conn.commit()
    assert called(conn, alice.token, "SELECT * FROM todo_api.reminder_of(%s)", (task.id,)) == []
    exported = called(conn, alice.token, "SELECT task::text FROM todo_api.my_tasks(NULL, NULL, NULL, 100)")
    assert [json.loads(r[0])["reminder"] for r in exported] == [None]
    assert alice_tasks.list(TaskQuery()).tasks[0].title == "mine"
    with test_db.superuser() as su:
        kept = su.execute("SELECT user_id FROM public.task_reminders_removed WHERE task_id = %s", (task.id,))
        assert kept.fetchall() == [(bob.account.id,)]
