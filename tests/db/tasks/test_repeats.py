"""Repeating tasks against a real PostgreSQL: completing one creates its next occurrence in the
same transaction, exactly once however often the completion is sent, and the undo of that
completion takes back both halves in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from psycopg import errors as pg

from tests.support.attack_helpers import as_session, attacker
from tests.support.faultproxy import proxied_url, upstream_for
from tests.support.lost_commit_proxy import LostCommitProxy
from tests.support.outbox_helpers import Traffic, all_tasks
from todo_desktop.core import repeats
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.values import Priority, SmartList, Status, TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.tasks import TaskRepository

BERLIN = ZoneInfo("Europe/Berlin")
DUE = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
DONE = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def weekly(alice_tasks):
    return alice_tasks.create(
        TaskDraft(
            title="Take out the bins",
            description="Both of them",
            priority=Priority.HIGH,
            due_date=DUE,
            tags=("home", "Chores"),
            repeat="FREQ=WEEKLY;BYDAY=MO",
        )
    )


@pytest.fixture
def traffic(client_db) -> Iterator[Traffic]:
    watched = Traffic(client_db.engine)
    yield watched
    watched.close()


def writers(test_db, ids) -> set[str]:
    with test_db.superuser() as su:
        rows = su.execute("SELECT xmin::text FROM public.tasks WHERE id = ANY(%s)", (list(ids),)).fetchall()
    assert len(rows) == len(ids)
    return {r[0] for r in rows}


def test_completing_a_repeating_task_creates_the_next_occurrence(alice_tasks, weekly, traffic, test_db):
    edit = repeats.completion(weekly, DONE, BERLIN)
    assert edit.next is not None and edit.next.due_date == DUE + timedelta(days=7)
    traffic.clear()
    outcome = alice_tasks.update_many([edit])
    assert (traffic.calls("todo_api.update_tasks("), traffic.commits) == (1, 1)
    [done] = outcome.stored
    [nxt] = outcome.created
    assert done.completed and nxt.id == edit.next.id
    copied = ("title", "description", "priority", "tags", "repeat", "repeat_after_completion")
    assert all(getattr(nxt, f) == getattr(weekly, f) for f in copied)
    assert (nxt.completed, nxt.completed_at, nxt.due_date) == (False, None, DUE + timedelta(days=7))
    assert len(writers(test_db, [done.id, nxt.id])) == 1  # both halves in one transaction
    # The completed one stays in Completed, with its history; the next one is open.
    assert alice_tasks.list(TaskQuery(status=Status.COMPLETED)).tasks == (done,)
    assert alice_tasks.list(TaskQuery()).tasks == (nxt,)
    assert alice_tasks.list(TaskQuery(tag="home")).tasks == (nxt,)
    counts = alice_tasks.counts(DONE, BERLIN)
    assert (counts[SmartList.INBOX], counts[SmartList.COMPLETED]) == (1, 1)


def test_a_completion_sent_again_creates_one_occurrence(alice_tasks, weekly):
    edit = repeats.completion(weekly, DONE, BERLIN)
    first = alice_tasks.update_many([edit])
    again = alice_tasks.update_many([edit])  # the outbox replaying it: already completed
    assert again.stored == first.stored and again.created == first.created  # shown, not made again
    later = repeats.completion(weekly, DONE + timedelta(days=2), BERLIN)  # the same task, later
    assert later.next == edit.next  # same task, same due date: the same id
    assert alice_tasks.update_many([later]).created == first.created
    assert [t.title for t in all_tasks(alice_tasks)] == [weekly.title] * 2


@pytest.fixture
def lossy(test_db, alice) -> Iterator[tuple[LostCommitProxy, TaskRepository]]:
    """The repository through a proxy that can lose the answer to a COMMIT."""
    with LostCommitProxy(upstream_for(test_db.client_url)) as proxy:
        target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
        db = Database(create_db_engine(target), target, retry_budget=5.0)
        try:
            yield proxy, TaskRepository(db, alice.token)
        finally:
            db.dispose()


def test_a_completion_whose_commit_answer_is_lost_creates_one_occurrence(lossy, alice_tasks, weekly):
    proxy, repo = lossy
    edit = repeats.completion(weekly, DONE, BERLIN)
    proxy.lose_next_commit_answer()
    outcome = repo.update_many([edit])  # committed unheard, then sent again by the data layer
    assert proxy.lost_answers == 1
    assert [t.id for t in outcome.stored] == [weekly.id] and outcome.stale == ()
    assert [t.id for t in outcome.created] == [edit.next.id]  # type: ignore[union-attr]
    assert sorted(t.completed for t in all_tasks(alice_tasks)) == [False, True]


def test_the_undo_of_a_completion_takes_back_both_halves(alice_tasks, weekly, test_db, traffic):
    edit = repeats.completion(weekly, DONE, BERLIN)
    outcome = alice_tasks.update_many([edit])
    traffic.clear()
    undo = alice_tasks.update_many([repeats.undo_completion(weekly, edit.next)])
    assert (traffic.calls("todo_api.update_tasks("), traffic.commits) == (1, 1)
    assert [t.completed for t in undo.stored] == [False] and undo.deleted == (outcome.created[0].id,)
    assert all_tasks(alice_tasks) == list(undo.stored)
    assert alice_tasks.update_many([repeats.undo_completion(weekly, edit.next)]).deleted == ()  # twice
    # Done again: the same occurrence comes back, once.
    again = repeats.completion(undo.stored[0], DONE, BERLIN)
    assert again.next == edit.next
    assert [t.id for t in alice_tasks.update_many([again]).created] == [edit.next.id]  # type: ignore[union-attr]
    assert len(all_tasks(alice_tasks)) == 2


def test_only_a_task_that_repeats_as_stored_makes_an_occurrence(alice_tasks, weekly, client_db, accounts):
    from tests.support.database import PASSWORD

    phone = TaskRepository(client_db, accounts.sign_in("alice@example.com", PASSWORD).token)
    edit = repeats.completion(weekly, DONE, BERLIN)
    # Another device stopped the repeat meanwhile: a completion based on the old version is stale...
    stopped = phone.update(weekly.id, TaskChanges(repeat=None))
    stale = alice_tasks.update_many([edit])
    assert stale.stale == (stopped,) and stale.created == ()
    # ...and one that writes whatever the version makes none: the task no longer repeats.
    forced = alice_tasks.update_many([replace(edit, expected_version=None)])
    assert forced.stored[0].completed and forced.created == ()
    assert len(all_tasks(alice_tasks)) == 1


def test_a_series_that_has_ended_creates_nothing(alice_tasks):
    last = alice_tasks.create(TaskDraft(title="Course", due_date=DUE, repeat="FREQ=DAILY;UNTIL=20270301"))
    edit = repeats.completion(last, DONE, BERLIN)
    assert edit.next is None
    assert alice_tasks.update_many([edit]).created == ()
    assert len(all_tasks(alice_tasks)) == 1


def test_repeats_after_completion_and_undated_ones(alice_tasks):
    every = alice_tasks.create(
        TaskDraft(title="Water", due_date=DUE, repeat="FREQ=DAILY;INTERVAL=3", repeat_after_completion=True)
    )
    late = DUE + timedelta(days=5, hours=6)
    [nxt] = alice_tasks.update_many([repeats.completion(every, late, BERLIN)]).created
    assert nxt.due_date == datetime(2027, 3, 9, 8, 0, tzinfo=UTC)  # 3 days after completion, at 09:00
    assert nxt.repeat_after_completion
    undated = alice_tasks.create(TaskDraft(title="Stretch", repeat="FREQ=DAILY"))
    [nxt] = alice_tasks.update_many([repeats.completion(undated, DONE, BERLIN)]).created
    assert nxt.due_date == datetime(2027, 3, 2, 22, 59, tzinfo=UTC)  # the next day, 23:59 local


def test_the_second_monday_of_each_month_is_kept_and_followed(alice_tasks):
    second_monday = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    sync = alice_tasks.create(
        TaskDraft(title="Team sync", due_date=second_monday, repeat="FREQ=MONTHLY;BYDAY=2MO")
    )
    assert sync.repeat == "FREQ=MONTHLY;BYDAY=2MO"
    [nxt] = alice_tasks.update_many([repeats.completion(sync, second_monday, BERLIN)]).created
    assert nxt.due_date == datetime(2027, 4, 12, 7, 0, tzinfo=UTC)  # 09:00 in Berlin, summer time
    assert nxt.repeat == "FREQ=MONTHLY;BYDAY=2MO"


def test_a_repeat_is_set_changed_and_cleared(alice_tasks):
    task = alice_tasks.create(TaskDraft(title="t", repeat="byday=fr,mo;freq=weekly"))
    assert task.repeat == "FREQ=WEEKLY;BYDAY=MO,FR"  # written as the database stores rules
    changed = alice_tasks.update(task.id, TaskChanges(repeat="FREQ=MONTHLY;BYMONTHDAY=31"))
    assert changed.repeat == "FREQ=MONTHLY;BYMONTHDAY=31"
    cleared = alice_tasks.update(task.id, TaskChanges(repeat=None))
    assert cleared.repeat is None and alice_tasks.get(task.id) == cleared


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("every day", "FREQ=WEEKLY"),
        ("FREQ=HOURLY", "daily, weekly, monthly or yearly"),
        ("FREQ=DAILY;COUNT=1000000000", "number of times"),
        ("FREQ=DAILY;UNTIL=99999999", "UNTIL"),
        ("FREQ=DAILY;UNTIL=20270230", "UNTIL"),
        ("FREQ=DAILY;INTERVAL=0", "interval"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never comes"),
        ("FREQ=DAILY;" + "BYDAY=MO;" * 100, "at most 200"),
        ("FREQ=DAILY;BYSETPOS=1", "FREQ=WEEKLY"),
        ("FREQ=DAILY;FREQ=DAILY", "twice"),
        ("FREQ=DAILY\x00", "NUL"),
    ],
)
def test_a_bad_rule_is_refused_with_one_sentence(alice_tasks, rule, words, traffic):
    traffic.clear()
    with pytest.raises(ValidationError, match=words) as info:
        alice_tasks.create(TaskDraft(title="t", repeat=rule))
    assert info.value.field == "repeat" and info.value.message.endswith(".")
    assert traffic.statements == []


@pytest.mark.parametrize(
    "rule",
    [
        "garbage",
        "FREQ=DAILY;COUNT=1000000000",
        "FREQ=DAILY;UNTIL=99999999",
        "FREQ=DAILY;INTERVAL=1000",
        "BYDAY=MO;FREQ=WEEKLY",  # not in the one order the database keeps
        "FREQ=MONTHLY;BYDAY=9MO",
        "FREQ=MONTHLY;BYDAY=-0MO",
        "FREQ=MONTHLY;BYDAY=2MO,2TU",
        "FREQ=DAILY;" + "x" * 1_000_000,
        "FREQ=DAILY\n",
    ],
)
def test_the_database_refuses_a_rule_the_app_would_not_send(test_db, alice, rule):
    conn = attacker(test_db.client_url)
    try:
        as_session(conn, alice.token)
        with pytest.raises(pg.CheckViolation) as info:
            conn.execute(
                "SELECT * FROM todo_api.create_task(gen_random_uuid(), 't', 't', NULL, 'low', NULL, false, "
                "NULL, NULL, %s, false)",
                (rule,),
            )
        assert info.value.diag.constraint_name == "tasks_repeat_rule_shape"
    finally:
        conn.close()


def test_the_next_occurrence_id_is_the_same_for_the_same_completion():
    task_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    one = repeats.next_id(task_id, DUE)
    assert one == repeats.next_id(task_id, DUE.astimezone(BERLIN))  # the instant, not its zone
    assert one != repeats.next_id(task_id, DUE + timedelta(days=7))
    assert one != repeats.next_id(uuid.uuid4(), DUE)
    assert repeats.next_id(task_id, None) not in (one, repeats.next_id(uuid.uuid4(), None))


def test_only_the_move_from_open_to_completed_makes_an_occurrence(alice_tasks, weekly):
    """Editing a completed task, completed=True included, makes nothing: the person deleted
    the occurrence its completion made, and it stays deleted."""
    edit = repeats.completion(weekly, DONE, BERLIN)
    [made] = alice_tasks.update_many([edit]).created
    alice_tasks.delete([made.id])
    done = alice_tasks.get(weekly.id)
    again = replace(
        edit, changes=TaskChanges(title="Bins, both", completed=True), expected_version=done.updated_at
    )
    outcome = alice_tasks.update_many([again])
    assert outcome.stored[0].title == "Bins, both" and outcome.created == ()
    assert [t.id for t in all_tasks(alice_tasks)] == [weekly.id]


def test_a_stale_undo_takes_nothing_back(alice_tasks, weekly, client_db, accounts):
    from tests.support.database import PASSWORD

    edit = repeats.completion(weekly, DONE, BERLIN)
    outcome = alice_tasks.update_many([edit])
    phone = TaskRepository(client_db, accounts.sign_in("alice@example.com", PASSWORD).token)
    theirs = phone.update(weekly.id, TaskChanges(title="Changed on the phone"))
    undo = replace(repeats.undo_completion(weekly, edit.next), expected_version=outcome.stored[0].updated_at)
    result = alice_tasks.update_many([undo])
    assert result.stale == (theirs,) and result.deleted == ()
    assert alice_tasks.get(outcome.created[0].id) == outcome.created[0]
