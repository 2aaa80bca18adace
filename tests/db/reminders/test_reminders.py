"""Reminders against a real PostgreSQL through the data layer: what a person sets is what every
device reads back; an offset follows its task's due time; completed tasks stay quiet; a repeating
task's next occurrence keeps its offset; bad settings get one sentence each."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from todo_desktop.core.errors import NotFoundError, ValidationError
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import NextOccurrence, TaskChanges, TaskDraft, TaskEdit
from todo_desktop.db import reminders as sql
from todo_desktop.db.reminders import ReminderRepository


def soon(minutes: float) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


def close(a: datetime | None, b: datetime) -> bool:
    return a is not None and abs(a - b) < timedelta(seconds=30)


def test_what_is_set_is_read_back_on_another_device(alice_tasks, alice_reminders, client_db, alice):
    task = alice_tasks.create(TaskDraft(title="Call mum", due_date=soon(120)))
    other_device = ReminderRepository(client_db, alice.token)
    assert other_device.reminder_of(task.id) is None
    at = soon(60).replace(microsecond=0)
    alice_reminders.set_reminder(task.id, ReminderSetting(at=at))
    assert other_device.reminder_of(task.id) == ReminderSetting(at=at)
    alice_reminders.set_reminder(task.id, ReminderSetting(before_due=timedelta(days=2)))
    assert other_device.reminder_of(task.id) == ReminderSetting(before_due=timedelta(days=2))
    assert other_device.reminded_task_ids() == {task.id}
    alice_reminders.clear_reminder(task.id)
    alice_reminders.clear_reminder(task.id)  # twice is harmless
    assert other_device.reminder_of(task.id) is None
    assert other_device.reminded_task_ids() == frozenset()


def test_the_next_ring_is_the_soonest_of_open_tasks(alice_tasks, alice_reminders):
    assert alice_reminders.next_fire_at() is None
    first = alice_tasks.create(TaskDraft(title="first"))
    second = alice_tasks.create(TaskDraft(title="second", due_date=soon(90)))
    alice_reminders.set_reminder(first.id, ReminderSetting(at=soon(60)))
    alice_reminders.set_reminder(second.id, ReminderSetting(before_due=timedelta(minutes=45)))
    assert close(alice_reminders.next_fire_at(), soon(45))
    alice_tasks.update(second.id, TaskChanges(completed=True))
    assert close(alice_reminders.next_fire_at(), soon(60))
    assert alice_reminders.reminded_task_ids() == {first.id}


def test_an_offset_follows_the_due_time_and_rings_again_when_moved_ahead(alice_tasks, alice_reminders):
    task = alice_tasks.create(TaskDraft(title="Dentist", due_date=soon(5)))
    alice_reminders.set_reminder(task.id, ReminderSetting(before_due=timedelta(minutes=10)))
    assert [r.task_id for r in alice_reminders.claim_due()] == [task.id]  # due 5 min ago
    assert alice_reminders.claim_due() == []
    assert alice_reminders.next_fire_at() is None and alice_reminders.reminded_task_ids() == frozenset()
    # Put off to tomorrow: it reminds again, 10 minutes before the new time.
    tomorrow = soon(24 * 60)
    alice_tasks.update(task.id, TaskChanges(due_date=tomorrow))
    assert close(alice_reminders.next_fire_at(), tomorrow - timedelta(minutes=10))
    # The due date removed: an offset has nothing to ring before.
    alice_tasks.update(task.id, TaskChanges(due_date=None))
    assert alice_reminders.next_fire_at() is None
    assert alice_reminders.reminder_of(task.id) == ReminderSetting(before_due=timedelta(minutes=10))


def test_a_reminder_at_a_time_stays_when_the_due_time_moves(alice_tasks, alice_reminders):
    task = alice_tasks.create(TaskDraft(title="Taxes", due_date=soon(600)))
    at = soon(30)
    alice_reminders.set_reminder(task.id, ReminderSetting(at=at))
    alice_tasks.update(task.id, TaskChanges(due_date=soon(900)))
    assert close(alice_reminders.next_fire_at(), at)


def test_a_completed_task_does_not_ring(alice_tasks, alice_reminders):
    done = alice_tasks.create(TaskDraft(title="done already"))
    alice_reminders.set_reminder(done.id, ReminderSetting(at=soon(-5)))
    alice_tasks.update(done.id, TaskChanges(completed=True))
    assert alice_reminders.claim_due() == []
    # It came due while there was nothing to do: reopening the task does not ring it late.
    alice_tasks.update(done.id, TaskChanges(completed=False))
    assert alice_reminders.claim_due() == []


def test_a_claim_carries_what_a_notification_shows(alice_tasks, alice_reminders):
    due = soon(20).replace(microsecond=0)
    task = alice_tasks.create(TaskDraft(title="Call mum", due_date=due))
    at = soon(-3).replace(microsecond=0)
    alice_reminders.set_reminder(task.id, ReminderSetting(at=at))
    [reminder] = alice_reminders.claim_due()
    assert (reminder.task_id, reminder.title, reminder.fire_at, reminder.due_date) == (
        task.id,
        "Call mum",
        at,
        due,
    )


def test_setting_the_same_reminder_again_does_not_ring_it_again(alice_tasks, alice_reminders):
    """As after a retry whose COMMIT answer was lost."""
    task = alice_tasks.create(TaskDraft(title="t"))
    setting = ReminderSetting(at=soon(-1).replace(microsecond=0))
    alice_reminders.set_reminder(task.id, setting)
    assert len(alice_reminders.claim_due()) == 1
    alice_reminders.set_reminder(task.id, setting)
    assert alice_reminders.claim_due() == []
    alice_reminders.set_reminder(task.id, ReminderSetting(at=soon(-0.5)))  # a new time rings anew
    assert len(alice_reminders.claim_due()) == 1


def test_a_snooze_rings_again_later(alice_tasks, alice_reminders):
    task = alice_tasks.create(TaskDraft(title="t"))
    alice_reminders.set_reminder(task.id, ReminderSetting(at=soon(-1)))
    assert len(alice_reminders.claim_due()) == 1
    alice_reminders.snooze(task.id, 10)
    assert alice_reminders.claim_due() == []
    assert close(alice_reminders.next_fire_at(), soon(10))
    assert alice_reminders.reminded_task_ids() == {task.id}


def test_a_repeating_tasks_next_occurrence_keeps_its_offset(alice_tasks, alice_reminders):
    due = soon(60 * 24).replace(microsecond=0)
    task = alice_tasks.create(TaskDraft(title="bins", due_date=due, repeat="FREQ=WEEKLY"))
    alice_reminders.set_reminder(task.id, ReminderSetting(before_due=timedelta(hours=1)))
    nxt = NextOccurrence(uuid.uuid4(), due + timedelta(days=7))
    edit = TaskEdit(task.id, TaskChanges(completed=True), next=nxt)
    made = alice_tasks.update_many([edit]).created
    assert [t.id for t in made] == [nxt.id]
    assert alice_reminders.reminder_of(nxt.id) == ReminderSetting(before_due=timedelta(hours=1))
    assert close(alice_reminders.next_fire_at(), nxt.due_date - timedelta(hours=1))
    # Replayed (the outbox, a retry): still one occurrence, one reminder. Undone: both go.
    alice_tasks.update_many([edit])
    alice_tasks.update_many([TaskEdit(task.id, TaskChanges(completed=False), next=nxt)])
    assert alice_reminders.reminder_of(nxt.id) is None


def test_a_reminder_at_a_time_is_not_copied_to_the_next_occurrence(alice_tasks, alice_reminders):
    due = soon(60 * 24)
    task = alice_tasks.create(TaskDraft(title="bins", due_date=due, repeat="FREQ=DAILY"))
    alice_reminders.set_reminder(task.id, ReminderSetting(at=soon(60)))
    nxt = NextOccurrence(uuid.uuid4(), due + timedelta(days=1))
    alice_tasks.update_many([TaskEdit(task.id, TaskChanges(completed=True), next=nxt)])
    assert alice_reminders.reminder_of(nxt.id) is None


def test_deleting_a_task_deletes_its_reminder(alice_tasks, alice_reminders, test_db):
    task = alice_tasks.create(TaskDraft(title="t"))
    alice_reminders.set_reminder(task.id, ReminderSetting(at=soon(5)))
    alice_tasks.delete([task.id])
    with test_db.superuser() as su:
        assert su.execute("SELECT count(*) FROM public.task_reminders").fetchone()[0] == 0


def test_another_persons_task_and_a_missing_one_read_alike(alice_tasks, alice_reminders, bob_reminders):
    task = alice_tasks.create(TaskDraft(title="mine"))
    alice_reminders.set_reminder(task.id, ReminderSetting(at=soon(-1)))
    for asked in (task.id, uuid.uuid4()):
        with pytest.raises(NotFoundError) as info:
            bob_reminders.set_reminder(asked, ReminderSetting(at=soon(5)))
        assert info.value.message == sql.GONE
        with pytest.raises(NotFoundError):
            bob_reminders.snooze(asked, 10)
        assert bob_reminders.reminder_of(asked) is None
        bob_reminders.clear_reminder(asked)
    assert bob_reminders.claim_due() == [] and bob_reminders.reminded_task_ids() == frozenset()
    assert len(alice_reminders.claim_due()) == 1  # Bob's calls left hers as it was


@pytest.mark.parametrize(
    ("setting", "field", "words"),
    [
        (ReminderSetting(), "reminder", "either at a time"),
        (ReminderSetting(at=datetime(2030, 1, 1, tzinfo=UTC), before_due=timedelta(0)), "reminder", "either"),
        (ReminderSetting(before_due=timedelta(days=30, seconds=1)), "reminder", "at most 30 days"),
        (ReminderSetting(before_due=timedelta(minutes=-1)), "reminder", "at most 30 days"),
        (ReminderSetting(at=datetime(1899, 12, 31, tzinfo=UTC)), "reminder", "between the years"),
    ],
)
def test_bad_settings_get_one_sentence_before_anything_is_sent(
    alice_tasks, alice_reminders, setting, field, words
):
    task = alice_tasks.create(TaskDraft(title="t"))
    with pytest.raises(ValidationError) as info:
        alice_reminders.set_reminder(task.id, setting)
    assert info.value.field == field and words in info.value.message


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"remind_at": None, "before_due": None}, "either at a time"),
        ({"remind_at": None, "before_due": timedelta(days=31)}, "at most 30 days"),
        ({"remind_at": datetime(1800, 1, 1, tzinfo=UTC), "before_due": None}, "between the years"),
    ],
)
def test_the_databases_refusals_read_as_the_same_sentences(alice_tasks, client_db, alice, params, words):
    """A client that skips the checks above meets the database's, in the same words."""
    task = alice_tasks.create(TaskDraft(title="t"))
    with pytest.raises(ValidationError) as info:
        client_db.call(alice.token, sql.SET, {"task_id": task.id, **params}, write=True)
    assert info.value.field == "reminder" and words in info.value.message


@pytest.mark.parametrize("minutes", [0, 1441, -5, True])
def test_a_snooze_out_of_range_gets_one_sentence(alice_tasks, alice_reminders, client_db, alice, minutes):
    task = alice_tasks.create(TaskDraft(title="t"))
    alice_reminders.set_reminder(task.id, ReminderSetting(at=soon(1)))
    with pytest.raises(ValidationError, match="1 minute to 24 hours"):
        alice_reminders.snooze(task.id, minutes)
    if minutes is True:
        return  # a yes is no number of minutes here; the database would read it as 1
    with pytest.raises(ValidationError, match="1 minute to 24 hours"):
        client_db.call(alice.token, sql.SNOOZE, {"task_id": task.id, "minutes": minutes}, write=True)


def test_a_persons_export_carries_each_tasks_reminder(alice_tasks, alice_reminders, client_db, alice):
    from sqlalchemy import text

    with_one = alice_tasks.create(TaskDraft(title="with"))
    alice_tasks.create(TaskDraft(title="without"))
    alice_reminders.set_reminder(with_one.id, ReminderSetting(before_due=timedelta(hours=2)))
    rows = client_db.run(
        alice.token,
        lambda c: c.execute(text("SELECT id, task FROM todo_api.my_tasks(NULL, NULL, NULL, 10)")).all(),
    )
    exported = {r[0]: r[1]["reminder"] for r in rows}
    assert exported[with_one.id]["before_due"] == "02:00:00"
    assert [v for k, v in exported.items() if k != with_one.id] == [None]
