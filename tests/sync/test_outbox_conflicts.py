"""Offline edits that meet a newer version on another device: kept for the person's choice.

The outbox replays against the real TaskRepository; "another device" is the same person
signed in a second time with a repository of its own, so it only meets the outbox through
the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.database import PASSWORD
from tests.support.outbox_helpers import Switched
from todo_desktop.core.errors import DatabaseUnavailableError, NotFoundError
from todo_desktop.core.values import Priority, TaskChanges, TaskDraft
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.outbox import DurableTasks, outbox_for
from todo_desktop.sync.outbox_file import Outbox

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def switched(alice_tasks) -> Switched:
    return Switched(alice_tasks)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "outbox"


@pytest.fixture
def phone(client_db, accounts, alice) -> TaskRepository:
    second = accounts.sign_in(alice.account.email, PASSWORD)
    return TaskRepository(client_db, second.token)


def restarted(folder: Path, alice_tasks) -> DurableTasks:
    """What the next run of the app finds: the same folder, nothing in memory."""
    return DurableTasks(Switched(alice_tasks), Outbox(folder, "local"))


def test_an_offline_edit_that_meets_a_newer_version_waits_for_a_choice_and_the_rest_go_on(
    switched, folder, alice_tasks, phone
):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Shared"))
    other = durable.create(TaskDraft("Other"))
    switched.down.set()
    durable.update(task.id, TaskChanges(priority=Priority.URGENT), task.updated_at)
    durable.update(other.id, TaskChanges(title="Sent after it"), other.updated_at)
    theirs = phone.update(task.id, TaskChanges(title="Renamed on the phone"))
    switched.down.clear()

    report = durable.flush()
    assert report.dropped == 0, report.problems  # nothing thrown away
    assert durable.take_problems() == []
    assert (report.sent, report.pending, report.conflicts) == (1, 0, 1)
    assert alice_tasks.get(other.id).title == "Sent after it"  # the flush went on
    assert alice_tasks.get(task.id) == theirs  # and overwrote nothing

    [conflict] = durable.conflicts()
    assert conflict.task_id == task.id
    assert conflict.theirs == theirs
    assert conflict.mine is not None and conflict.mine.as_dict() == {"priority": Priority.URGENT}
    assert not conflict.deleting

    # The choice survives a quit: the next run finds it, with their version.
    again = restarted(folder, alice_tasks)
    [kept] = again.conflicts()
    assert (kept.task_id, kept.theirs, kept.mine) == (task.id, theirs, conflict.mine)
    assert again.pending_count() == 0

    assert again.keep_mine(task.id) is True
    stored = alice_tasks.get(task.id)
    assert (stored.title, stored.priority) == ("Renamed on the phone", Priority.URGENT)
    assert stored.updated_at > theirs.updated_at
    assert again.conflicts() == []
    assert restarted(folder, alice_tasks).conflicts() == []


def test_keep_theirs_forgets_mine_and_later_edits_build_on_theirs(switched, folder, alice_tasks, phone):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Shared", priority=Priority.LOW))
    switched.down.set()
    mine = durable.update(task.id, TaskChanges(priority=Priority.URGENT), task.updated_at)
    theirs = phone.update(task.id, TaskChanges(title="Renamed on the phone"))
    switched.down.clear()
    assert durable.flush().conflicts == 1

    assert durable.keep_theirs(task.id) == theirs
    assert alice_tasks.get(task.id) == theirs
    assert durable.conflicts() == []
    assert restarted(folder, alice_tasks).conflicts() == []
    # The window still holds the version it was shown for its own edit; an edit based on it
    # now builds on theirs, which the person just chose, instead of looking stale again.
    later = durable.update(task.id, TaskChanges(title="Edited after choosing"), mine.updated_at)
    assert later.priority is Priority.LOW
    assert alice_tasks.get(task.id).title == "Edited after choosing"


def test_several_offline_edits_of_one_task_wait_as_one_choice(switched, folder, alice_tasks, phone):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Shared"))
    switched.down.set()
    first = durable.update(task.id, TaskChanges(title="Mine"), task.updated_at)
    durable.update(task.id, TaskChanges(priority=Priority.HIGH), first.updated_at)
    phone.update(task.id, TaskChanges(description="Notes from the phone"))
    switched.down.clear()

    report = durable.flush()
    assert (report.sent, report.dropped, report.conflicts) == (0, 0, 2)
    [conflict] = durable.conflicts()
    assert conflict.mine is not None
    assert conflict.mine.as_dict() == {"title": "Mine", "priority": Priority.HIGH}

    # An edit made while it waits joins it: nothing about that task is sent before the choice.
    durable.update(task.id, TaskChanges(priority=Priority.URGENT), first.updated_at)
    assert alice_tasks.get(task.id).title == "Shared"
    [conflict] = durable.conflicts()
    assert conflict.mine is not None and conflict.mine.priority is Priority.URGENT

    assert durable.keep_mine(task.id) is True
    stored = alice_tasks.get(task.id)
    assert (stored.title, stored.priority) == ("Mine", Priority.URGENT)
    assert stored.description == "Notes from the phone"


def test_a_crash_before_the_entry_left_the_outbox_still_asks_once(switched, folder, alice_tasks, phone):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Shared"))
    switched.down.set()
    durable.update(task.id, TaskChanges(title="Mine"), task.updated_at)
    [entry] = Outbox(folder, "local").entries()
    phone.update(task.id, TaskChanges(priority=Priority.HIGH))
    switched.down.clear()
    assert durable.flush().conflicts == 1
    Outbox(folder, "local").append(entry)  # as if the power went before the entry was removed

    again = restarted(folder, alice_tasks)
    assert again.flush().conflicts == 1
    [conflict] = again.conflicts()
    assert conflict.mine is not None and conflict.mine.as_dict() == {"title": "Mine"}


def test_a_delete_while_waiting_joins_the_question_and_its_undo_takes_it_back(
    switched, folder, alice_tasks, phone
):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Shared"))
    switched.down.set()
    durable.update(task.id, TaskChanges(title="Mine"), task.updated_at)
    theirs = phone.update(task.id, TaskChanges(priority=Priority.HIGH))
    switched.down.clear()
    durable.flush()

    assert durable.delete([task.id]) == 1
    assert alice_tasks.get(task.id) == theirs  # not deleted before the person chose
    [conflict] = durable.conflicts()
    assert conflict.deleting and conflict.mine is not None
    durable.restore_many([task])  # Ctrl+Z
    [conflict] = durable.conflicts()
    assert not conflict.deleting and conflict.mine is not None
    assert conflict.mine.as_dict() == {"title": "Mine"}
    assert durable.keep_theirs(task.id) == theirs
    assert alice_tasks.get(task.id) == theirs


def test_keep_mine_asks_again_when_the_task_changed_once_more(switched, folder, alice_tasks, phone):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Shared"))
    switched.down.set()
    durable.update(task.id, TaskChanges(title="Mine"), task.updated_at)
    phone.update(task.id, TaskChanges(priority=Priority.HIGH))
    switched.down.clear()
    durable.flush()
    newer = phone.update(task.id, TaskChanges(priority=Priority.LOW))  # while the dialog was up

    assert durable.keep_mine(task.id) is False
    assert alice_tasks.get(task.id) == newer  # still not overwritten unseen
    [conflict] = durable.conflicts()
    assert conflict.theirs == newer
    assert durable.keep_mine(task.id) is True
    assert (alice_tasks.get(task.id).title, alice_tasks.get(task.id).priority) == ("Mine", Priority.LOW)


def test_keep_mine_while_the_database_is_away_is_queued_and_survives_a_restart(
    switched, folder, alice_tasks, phone
):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Shared"))
    switched.down.set()
    durable.update(task.id, TaskChanges(title="Mine"), task.updated_at)
    phone.update(task.id, TaskChanges(priority=Priority.HIGH))
    switched.down.clear()
    durable.flush()
    switched.down.set()

    assert durable.keep_mine(task.id) is True
    assert durable.pending_count() == 1
    assert durable.conflicts() == []
    with pytest.raises(DatabaseUnavailableError):
        durable.flush()

    again = restarted(folder, alice_tasks)
    assert again.conflicts() == []  # answered: not asked again while the answer waits
    assert again.pending_count() == 1
    assert again.flush().sent == 1
    stored = alice_tasks.get(task.id)
    assert (stored.title, stored.priority) == ("Mine", Priority.HIGH)
    assert again.conflicts() == []


def test_a_delete_of_a_task_changed_elsewhere_since_asks_instead_of_deleting(
    switched, folder, alice_tasks, phone
):
    durable = outbox_for(folder, "local", switched)
    kept = durable.create(TaskDraft("Changed on the phone"))
    gone = durable.create(TaskDraft("Unchanged"))
    switched.down.set()
    assert durable.delete([kept.id, gone.id]) == 2
    theirs = phone.update(kept.id, TaskChanges(title="The phone still needs this"))
    switched.down.clear()

    report = durable.flush()
    assert report.dropped == 0, report.problems
    assert alice_tasks.get(kept.id) == theirs  # not deleted unseen
    with pytest.raises(NotFoundError):
        alice_tasks.get(gone.id)  # nobody changed this one: deleted as asked
    assert (report.sent, report.conflicts) == (1, 1)
    [conflict] = restarted(folder, alice_tasks).conflicts()
    assert (conflict.task_id, conflict.theirs) == (kept.id, theirs)
    assert (conflict.mine, conflict.deleting) == (None, True)

    assert durable.keep_theirs(kept.id) == theirs  # keep it
    assert alice_tasks.get(kept.id) == theirs
    assert durable.conflicts() == []


def test_delete_anyway_deletes(switched, folder, alice_tasks, phone):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Shared"))
    switched.down.set()
    durable.delete([task.id])
    phone.update(task.id, TaskChanges(title="Phone"))
    switched.down.clear()
    assert durable.flush().conflicts == 1
    assert restarted(folder, alice_tasks).keep_mine(task.id) is True
    with pytest.raises(NotFoundError):
        alice_tasks.get(task.id)
    assert restarted(folder, alice_tasks).conflicts() == []


def test_an_undone_offline_delete_takes_its_question_back(switched, folder, alice_tasks, phone):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Shared"))
    switched.down.set()
    durable.delete([task.id])
    durable.restore_many([task])  # the person pressed Ctrl+Z
    theirs = phone.update(task.id, TaskChanges(title="Phone"))
    switched.down.clear()
    report = durable.flush()
    assert (report.dropped, report.pending) == (0, 0)
    assert durable.conflicts() == []
    assert alice_tasks.get(task.id) == theirs


def test_old_delete_entries_without_a_version_replay_as_before(switched, folder, alice_tasks, phone):
    task = alice_tasks.create(TaskDraft("Queued by the previous release"))
    Outbox(folder, "local").append({"op": "delete", "ids": [str(task.id)]})
    phone.update(task.id, TaskChanges(title="Changed since"))
    durable = outbox_for(folder, "local", switched)
    report = durable.flush()
    assert (report.sent, report.dropped, report.conflicts) == (1, 0, 0)
    with pytest.raises(NotFoundError):
        alice_tasks.get(task.id)
