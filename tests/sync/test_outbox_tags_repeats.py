"""Tags and repeats through the outbox, against a real PostgreSQL: entries carry them (and
entries queued before them still replay), the optimistic result shows them at once, a
repeating task completed offline shows its next occurrence at once and the replay makes that
very task, once, and tag operations made offline are queued and replayed in order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.faultproxy import proxied_url, upstream_for
from tests.support.lost_commit_proxy import LostCommitProxy
from tests.support.outbox_helpers import Switched, Traffic, all_tasks
from todo_desktop.core import repeats
from todo_desktop.core.values import TagCount, TagRemoval, TaskChanges, TaskDraft, TaskEdit, TaskQuery
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.edit_versions import applied
from todo_desktop.sync.outbox import DurableTasks, outbox_for
from todo_desktop.sync.outbox_file import Outbox, edit_from_json, edit_to_json, task_from_json, task_to_json

pytestmark = pytest.mark.timeout(60)

BERLIN = ZoneInfo("Europe/Berlin")
DUE = datetime(2031, 5, 5, 7, 0, tzinfo=UTC)


@pytest.fixture
def switched(alice_tasks) -> Switched:
    return Switched(alice_tasks)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "outbox"


@pytest.fixture
def traffic(client_db) -> Iterator[Traffic]:
    watched = Traffic(client_db.engine)
    yield watched
    watched.close()


def restarted(folder: Path, inner) -> DurableTasks:
    return DurableTasks(Switched(inner), Outbox(folder, "local"))


# -- entries carry tags and repeats ---------------------------------------------------------


def test_tags_and_repeats_made_offline_are_shown_and_stored(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    switched.down.set()
    draft = TaskDraft("Stretch", tags=("health", "Health", "am"), repeat="freq=daily", due_date=DUE)
    shown = durable.create(draft)
    assert (shown.tags, shown.repeat) == (("health", "am"), "FREQ=DAILY")  # as the database writes them
    edited = durable.update(shown.id, TaskChanges(tags=("am",), repeat_after_completion=True))
    assert (edited.tags, edited.repeat_after_completion) == (("am",), True)
    switched.down.clear()
    assert durable.flush().sent == 2
    [stored] = all_tasks(alice_tasks)
    assert (stored.tags, stored.repeat, stored.repeat_after_completion) == (("am",), "FREQ=DAILY", True)


def test_entries_queued_before_tags_and_repeats_still_replay(switched, folder, alice_tasks):
    old_task = {
        "id": "0c1a1d0e-0000-4000-8000-000000000001",
        "title": "Old",
        "description": None,
        "priority": "low",
        "due_date": None,
        "completed": False,
    }
    box = Outbox(folder, "local")
    box.append({"op": "create", "draft": old_task, "v": "2026-01-01T00:00:00+00:00"})
    box.append(
        {
            "op": "edits",
            "edits": [{"id": old_task["id"], "changes": {"title": "Older"}, "expected": None}],
            "v": "2026-01-01T00:00:01+00:00",
        }
    )
    report = outbox_for(folder, "local", switched).flush()
    assert (report.sent, report.dropped, report.pending) == (2, 0, 0)
    [stored] = all_tasks(alice_tasks)
    assert (stored.title, stored.tags, stored.repeat) == ("Older", (), None)
    assert task_from_json({k: v for k, v in task_to_json(stored).items() if k != "tags"}).tags == ()


def test_an_edit_with_its_next_occurrence_survives_the_file(alice_tasks):
    task = alice_tasks.create(TaskDraft("Bins", due_date=DUE, repeat="FREQ=WEEKLY;BYDAY=MO"))
    edit = repeats.completion(task, DUE, BERLIN)
    assert edit_from_json(edit_to_json(edit)) == edit
    edit = TaskEdit(task.id, TaskChanges(tags=("a", "b"), repeat=None), None)
    assert edit_from_json(edit_to_json(edit)) == edit


def test_one_function_applies_changes_for_the_window_and_the_outbox(alice_tasks):
    task = alice_tasks.create(TaskDraft("t", tags=("x",)))
    now = datetime(2031, 1, 1, tzinfo=UTC)
    guess = applied(task, TaskChanges(tags=("y", "Y"), repeat="FREQ=YEARLY", completed=True), now)
    assert (guess.tags, guess.repeat, guess.completed, guess.completed_at, guess.updated_at) == (
        ("y",),
        "FREQ=YEARLY",
        True,
        now,
        now,
    )
    assert applied(task, TaskChanges(tags=("no good",)), now) == task  # refused: nothing shown saved


# -- repeats --------------------------------------------------------------------------------


def test_a_repeating_task_completed_offline_shows_its_next_occurrence_and_replays_once(
    switched, folder, alice_tasks, traffic
):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Bins", due_date=DUE, tags=("home",), repeat="FREQ=WEEKLY;BYDAY=MO"))
    switched.down.set()
    edit = repeats.completion(task, DUE + timedelta(hours=3), BERLIN)
    shown = durable.update_many([edit])
    [guessed] = shown.created
    assert guessed.id == edit.next.id and guessed.due_date == DUE + timedelta(days=7)  # type: ignore[union-attr]
    assert (guessed.title, guessed.tags, guessed.completed) == ("Bins", ("home",), False)
    # The person edits the new occurrence offline too: it builds on the one shown.
    renamed = durable.update(guessed.id, TaskChanges(title="Bins (both)"), guessed.updated_at)
    switched.down.clear()
    traffic.clear()
    report = durable.flush()
    assert (report.sent, report.conflicts, report.dropped, report.pending) == (2, 0, 0, 0)
    stored = {t.id: t for t in all_tasks(alice_tasks)}
    assert set(stored) == {task.id, guessed.id}  # the very task shown, made once
    assert stored[guessed.id].title == renamed.title and stored[task.id].completed
    # A crash before the entry left the file: the next run sends it again; nothing more is made.
    Outbox(folder, "local").replace_all([{"op": "edits", "edits": [edit_to_json(edit)], "v": "x"}])
    assert restarted(folder, alice_tasks).flush().sent == 1
    assert {t.id for t in all_tasks(alice_tasks)} == {task.id, guessed.id}


def test_a_replayed_completion_whose_commit_answer_is_lost_makes_one_occurrence(
    test_db, alice, folder, alice_tasks
):
    with LostCommitProxy(upstream_for(test_db.client_url)) as proxy:
        target = parse_database_url(proxied_url(test_db.client_url, proxy.port))
        db = Database(create_db_engine(target), target, retry_budget=5.0)
        try:
            switched = Switched(TaskRepository(db, alice.token))
            durable = outbox_for(folder, "local", switched)
            task = durable.create(TaskDraft("Pay rent", due_date=DUE, repeat="FREQ=MONTHLY"))
            switched.down.set()
            edit = repeats.completion(task, DUE, BERLIN)
            durable.update_many([edit])
            switched.down.clear()
            proxy.lose_next_commit_answer()
            report = durable.flush()
        finally:
            db.dispose()
    assert proxy.lost_answers == 1 and (report.sent, report.pending) == (1, 0)
    assert sorted((t.completed, t.due_date) for t in all_tasks(alice_tasks)) == [
        (False, datetime(2031, 6, 5, 7, 0, tzinfo=UTC)),
        (True, DUE),
    ]


def test_an_undo_of_a_completion_made_offline_takes_back_both_halves(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Water", due_date=DUE, repeat="FREQ=DAILY"))
    switched.down.set()
    edit = repeats.completion(task, DUE, BERLIN)
    done = durable.update_many([edit])
    undone = durable.update_many([repeats.undo_completion(done.stored[0], edit.next)])
    assert undone.deleted == (edit.next.id,) and not undone.stored[0].completed  # type: ignore[union-attr]
    switched.down.clear()
    assert durable.flush().sent == 2
    assert [(t.id, t.completed) for t in all_tasks(alice_tasks)] == [(task.id, False)]


def test_completed_online_the_next_occurrence_comes_back_as_stored(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Call", due_date=DUE, repeat="FREQ=WEEKLY;INTERVAL=2"))
    outcome = durable.update_many([repeats.completion(task, DUE, BERLIN)])
    assert outcome.created == (alice_tasks.get(outcome.created[0].id),)


# -- tags -----------------------------------------------------------------------------------


def test_tag_operations_made_offline_are_shown_at_once_and_replayed_in_order(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    a = durable.create(TaskDraft("a", tags=("Errands", "x")))
    b = durable.create(TaskDraft("b", tags=("shop",)))
    switched.down.set()
    assert durable.rename_tag("errands", "Shop") == 1  # merges into b's tag, spelled as typed
    assert {t.id: durable.known.get(t.id).tags for t in (a, b)} == {a.id: ("Shop", "x"), b.id: ("shop",)}
    removal = durable.delete_tag("X")
    assert removal == TagRemoval("x", (a.id,))
    assert durable.known.get(a.id).tags == ("Shop",)
    assert durable.pending_count() == 2
    switched.down.clear()
    assert durable.flush().sent == 2
    assert {t.id: t.tags for t in all_tasks(alice_tasks)} == {a.id: ("shop",), b.id: ("shop",)}
    assert alice_tasks.tags() == [TagCount("shop", 2)]
    assert durable.restore_tag(removal) == 1
    assert alice_tasks.get(a.id).tags == ("shop", "x")


def test_the_undo_of_a_tag_deleted_offline_reaches_tasks_this_computer_never_saw(
    switched, folder, alice_tasks
):
    seen = alice_tasks.create(TaskDraft("seen", tags=("later",)))
    unseen = alice_tasks.create(TaskDraft("made on the phone", tags=("Later",)))
    durable = outbox_for(folder, "local", switched)
    durable.list(TaskQuery(tag="later", limit=1))  # this computer knows one of the two
    switched.down.set()
    removal = durable.delete_tag("later")
    assert removal == TagRemoval("later", (seen.id,))  # all this computer can tell
    assert durable.restore_tag(removal) == 1
    switched.down.clear()
    assert durable.flush().sent == 2
    # The delete took the tag from both; its undo, replayed after it, gave it back to both.
    assert {t.id: t.tags for t in all_tasks(alice_tasks)} == {seen.id: ("later",), unseen.id: ("later",)}


def test_the_undo_of_a_tag_deleted_offline_and_sent_since_reaches_every_task(switched, folder, alice_tasks):
    seen = alice_tasks.create(TaskDraft("seen", tags=("later",)))
    unseen = alice_tasks.create(TaskDraft("made on the phone", tags=("later",)))
    durable = outbox_for(folder, "local", switched)
    durable.list(TaskQuery(tag="later", limit=1))
    switched.down.set()
    removal = durable.delete_tag("later")
    switched.down.clear()
    assert durable.flush().sent == 1
    assert durable.restore_tag(removal) == 2  # the undo the window kept names one task; both come back
    assert {t.id: t.tags for t in all_tasks(alice_tasks)} == {seen.id: ("later",), unseen.id: ("later",)}


def test_a_tag_operation_refused_for_good_is_dropped_with_a_sentence(switched, folder, alice_tasks, test_db):
    durable = outbox_for(folder, "local", switched)
    durable.create(TaskDraft("a", tags=("one",)))
    switched.down.set()
    durable.rename_tag("one", "two")
    switched.down.clear()
    with test_db.superuser() as su:  # meanwhile the database takes no more tags
        su.execute("UPDATE todo_auth.settings SET max_tags_per_user = 1")
    report = durable.flush()
    assert (report.sent, report.pending) == (1, 0)  # a rename adds no tag: it passes
    assert [t.name for t in alice_tasks.tags()] == ["two"]


@pytest.fixture
def phone(client_db, accounts, alice) -> TaskRepository:
    from tests.support.database import PASSWORD

    return TaskRepository(client_db, accounts.sign_in(alice.account.email, PASSWORD).token)


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_a_completion_that_meets_a_newer_version_makes_its_occurrence_only_if_kept(
    switched, folder, alice_tasks, phone, choice
):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Bins", due_date=DUE, repeat="FREQ=WEEKLY"))
    switched.down.set()
    edit = repeats.completion(task, DUE, BERLIN)
    durable.update_many([edit])
    phone.update(task.id, TaskChanges(description="moved them to the gate"))  # another device
    switched.down.clear()
    assert durable.flush().conflicts == 1
    assert len(all_tasks(alice_tasks)) == 1  # nothing made while the person is asked
    if choice == "mine":
        assert durable.keep_mine(task.id)
        stored = {t.id: t for t in all_tasks(alice_tasks)}
        assert set(stored) == {task.id, edit.next.id}  # type: ignore[union-attr]
        assert stored[task.id].completed and stored[task.id].description == "moved them to the gate"
        assert durable.known.get(edit.next.id) == stored[edit.next.id]  # type: ignore[union-attr]
    else:
        durable.keep_theirs(task.id)
        assert [t.completed for t in all_tasks(alice_tasks)] == [False]
        assert durable.known.get(edit.next.id) is None  # type: ignore[union-attr]


def test_the_windows_batch_carries_next_occurrences_and_learns_their_versions(alice_tasks):
    from todo_desktop.sync.edit_versions import Versions, versioned_batch

    versions = Versions()
    task = alice_tasks.create(TaskDraft("Water", due_date=DUE, repeat="FREQ=DAILY"))
    versions.stored(task)
    made = repeats.next_occurrence(task, DUE, BERLIN)
    assert made is not None
    changes = {task.id: TaskChanges(completed=True)}
    result = versioned_batch(versions, alice_tasks.update_many, changes, nexts={task.id: made})
    [nxt] = result.created
    assert nxt.id == made.id and versions.expected(nxt.id) == nxt.updated_at
    back = versioned_batch(
        versions, alice_tasks.update_many, {task.id: TaskChanges(completed=False)}, nexts={task.id: made}
    )
    assert back.deleted == [made.id] and [t.completed for t in back.stored] == [False]
