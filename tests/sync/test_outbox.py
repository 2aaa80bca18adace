"""The durable outbox: its file, and DurableTasks against the real repository.

"Down" is a switch in front of the real TaskRepository that raises what an unreachable
database raises; everything that reaches the database reaches the real one.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.outbox_helpers import Switched, row_of, state
from todo_desktop.core.errors import DatabaseUnavailableError, NotFoundError, ValidationError
from todo_desktop.core.values import Priority, TaskChanges, TaskDraft, TaskEdit, TaskQuery
from todo_desktop.sync.outbox import DurableTasks, QueuedEditError, outbox_for
from todo_desktop.sync.outbox_file import Outbox, changes_from_json, changes_to_json

pytestmark = pytest.mark.timeout(60)

DUE = datetime(2030, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


# -- the file -------------------------------------------------------------------------


def test_entries_survive_a_new_outbox_on_the_same_folder_in_order(tmp_path: Path):
    box = Outbox(tmp_path / "outbox", "local")
    for n in range(5):
        box.append({"op": "delete", "ids": [str(n)]})
    again = Outbox(tmp_path / "outbox", "local")  # a restart after a crash
    assert [e["ids"] for e in again.entries()] == [["0"], ["1"], ["2"], ["3"], ["4"]]
    assert len(again) == 5
    again.drop_first(2)
    assert [e["ids"] for e in Outbox(tmp_path / "outbox", "local").entries()] == [["2"], ["3"], ["4"]]


def test_folder_and_file_are_private(tmp_path: Path):
    box = Outbox(tmp_path / "outbox", "local")
    box.append({"op": "delete", "ids": []})
    if os.name == "posix":
        assert stat.S_IMODE(os.stat(tmp_path / "outbox").st_mode) == 0o700
        assert stat.S_IMODE(os.stat(box.path).st_mode) == 0o600
    box.replace_all([{"op": "delete", "ids": ["x"]}])
    if os.name == "posix":
        assert stat.S_IMODE(os.stat(box.path).st_mode) == 0o600
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == ["local.jsonl"]  # no temporary left


def test_each_workspace_has_its_own_file_and_a_key_cannot_leave_the_folder(tmp_path: Path):
    a = Outbox(tmp_path / "outbox", "local")
    b = Outbox(tmp_path / "outbox", "../../etc/passwd")
    a.append({"op": "delete", "ids": ["a"]})
    b.append({"op": "delete", "ids": ["b"]})
    assert a.path != b.path
    assert b.path.parent == tmp_path / "outbox"
    assert len(Outbox(tmp_path / "outbox", "local")) == 1


def test_a_torn_last_line_is_skipped_and_later_appends_stay_readable(tmp_path: Path):
    box = Outbox(tmp_path / "outbox")
    box.append({"op": "delete", "ids": ["kept"]})
    with open(box.path, "ab") as f:
        f.write(b'{"op":"delete","ids":["to')  # the crash hit in the middle of an append
    again = Outbox(tmp_path / "outbox")
    assert [e["ids"] for e in again.entries()] == [["kept"]]
    again.append({"op": "delete", "ids": ["after"]})
    assert [e["ids"] for e in Outbox(tmp_path / "outbox").entries()] == [["kept"], ["after"]]


def test_a_crash_during_a_rewrite_leaves_the_old_queue(tmp_path: Path, monkeypatch):
    box = Outbox(tmp_path / "outbox")
    for n in range(3):
        box.append({"op": "delete", "ids": [str(n)]})
    before = box.path.read_bytes()

    def crash(*_args: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        box.drop_first(1)
    monkeypatch.undo()
    assert box.path.read_bytes() == before
    assert len(box) == 3  # memory agrees with the disk
    assert len(Outbox(tmp_path / "outbox")) == 3


def test_changes_round_trip_keeps_cleared_fields_apart_from_absent_ones():
    changes = TaskChanges(title="T", description=None, due_date=None, priority=Priority.HIGH)
    data = json.loads(json.dumps(changes_to_json(changes)))
    assert data == {"title": "T", "description": None, "priority": "high", "due_date": None}
    assert changes_from_json(data).as_dict() == changes.as_dict()
    only = TaskChanges(due_date=DUE)
    assert changes_from_json(json.loads(json.dumps(changes_to_json(only)))).as_dict() == {"due_date": DUE}


# -- DurableTasks against the real repository ---------------------------------------


@pytest.fixture
def switched(alice_tasks) -> Switched:
    return Switched(alice_tasks)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "outbox"


def test_writes_go_straight_to_the_database_while_it_answers(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Straight", priority=Priority.HIGH))
    assert alice_tasks.get(task.id) == task
    assert durable.update(task.id, TaskChanges(title="Renamed")).title == "Renamed"
    assert durable.pending_count() == 0
    assert not durable.offline


def test_edits_while_down_survive_a_restart_and_land_exactly(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    kept = durable.create(TaskDraft("Kept", description="old", due_date=DUE))
    gone = durable.create(TaskDraft("Gone"))
    back = durable.create(TaskDraft("Back", priority=Priority.LOW))
    many = [durable.create(TaskDraft(f"Many {n}")) for n in range(3)]

    switched.down.set()
    new = durable.create(TaskDraft("Made offline", description="typed on a train", due_date=DUE))
    assert new.title == "Made offline" and new.id is not None  # optimistic
    edited = durable.update(kept.id, TaskChanges(title="Kept, renamed", description=None, due_date=None))
    assert row_of(edited) == ("Kept, renamed", None, False, Priority.MEDIUM, None)
    toggled = durable.update(edited.id, TaskChanges(completed=not edited.completed), edited.updated_at)
    assert toggled.completed is True
    done = durable.update_many([TaskEdit(m.id, TaskChanges(completed=True), m.updated_at) for m in many])
    assert {t.id for t in done.stored} == {m.id for m in many}
    assert durable.delete([gone.id, back.id]) == 2
    durable.restore_many([back])
    durable.update(new.id, TaskChanges(priority=Priority.URGENT))
    assert durable.pending_count() == 7
    assert durable.offline
    with pytest.raises(DatabaseUnavailableError):
        durable.flush()  # still down: it says so, and keeps everything
    assert durable.pending_count() == 7

    # The app quits (or crashes); the next run finds the same queue.
    restarted = outbox_for(folder, "local", switched)
    assert restarted.pending_count() == 7
    switched.down.clear()
    report = restarted.flush()
    assert (report.sent, report.dropped, report.pending) == (7, 0, 0)
    assert restarted.pending_count() == 0
    assert Outbox(folder, "local").entries() == []

    expected = {
        kept.id: ("Kept, renamed", None, True, Priority.MEDIUM, None),
        back.id: row_of(back),
        new.id: ("Made offline", "typed on a train", False, Priority.URGENT, DUE),
    } | {m.id: (m.title, None, True, Priority.MEDIUM, None) for m in many}
    assert state(alice_tasks) == expected
    assert alice_tasks.get(back.id).created_at == back.created_at  # restored, not re-made


def test_once_anything_waits_later_edits_queue_behind_it_in_order(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Order"))
    switched.down.set()
    durable.update(task.id, TaskChanges(title="first"))
    switched.down.clear()
    # The database is back, but an older edit waits: this one goes behind it (the flush
    # waits out its short backoff), and the flush sends both in order.
    result = durable.update(task.id, TaskChanges(title="second"))
    assert result.title == "second"
    assert durable.pending_count() == 2
    assert durable.flush().sent == 2
    assert alice_tasks.get(task.id).title == "second"

    switched.down.set()
    durable.update(task.id, TaskChanges(title="third"))
    switched.down.clear()
    durable.counts(datetime.now(UTC), UTC)  # a read that works ends the backoff: the next write sends both
    assert durable.update(task.id, TaskChanges(title="fourth")).title == "fourth"
    assert durable.pending_count() == 0
    assert alice_tasks.get(task.id).title == "fourth"


def test_refused_edits_are_raised_at_once_and_never_queued(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    with pytest.raises(ValidationError):
        durable.create(TaskDraft("  "))
    task = durable.create(TaskDraft("Real"))
    alice_tasks.delete([task.id])
    with pytest.raises(NotFoundError):
        durable.update(task.id, TaskChanges(title="x"))
    switched.down.set()
    with pytest.raises(ValidationError):  # checked before it is queued, even offline
        durable.update(task.id, TaskChanges(title="x" * 10_000))
    assert durable.pending_count() == 0


def test_a_queued_edit_the_database_refuses_is_dropped_with_a_sentence_and_the_rest_go_on(
    switched, folder, alice_tasks
):
    durable = outbox_for(folder, "local", switched)
    doomed = durable.create(TaskDraft("Deleted elsewhere"))
    other = durable.create(TaskDraft("Other"))
    switched.down.set()
    durable.update(doomed.id, TaskChanges(title="too late"))
    durable.update(other.id, TaskChanges(title="still saved"))
    alice_tasks.delete([doomed.id])  # another device deletes it meanwhile
    switched.down.clear()
    report = durable.flush()
    assert (report.sent, report.dropped, report.pending) == (1, 1, 0)
    assert len(report.problems) == 1 and report.problems[0].endswith(".")
    assert durable.take_problems() == list(report.problems)
    assert durable.take_problems() == []
    assert state(alice_tasks) == {other.id: ("still saved", None, False, Priority.MEDIUM, None)}


def test_a_chain_of_versioned_offline_edits_replays_without_looking_stale(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Versioned"))
    switched.down.set()
    first = durable.update(task.id, TaskChanges(title="one"), task.updated_at)
    second = durable.update(task.id, TaskChanges(title="two"), first.updated_at)  # a made-up version
    durable.update(task.id, TaskChanges(completed=True), second.updated_at)
    switched.down.clear()
    report = durable.flush()
    assert (report.sent, report.dropped) == (3, 0)
    stored = alice_tasks.get(task.id)
    assert (stored.title, stored.completed) == ("two", True)


def test_the_version_map_is_written_back_when_a_flush_stops_part_way(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Part way"))
    switched.down.set()
    first = durable.update(task.id, TaskChanges(title="one"), task.updated_at)
    durable.update(task.id, TaskChanges(title="two"), first.updated_at)

    class SecondUpdateFails(Switched):
        updates = 0

        def update(self, *args, **kwargs):  # the second replay finds the database gone
            self.updates += 1
            if self.updates == 2:
                self.down.set()
            return super().update(*args, **kwargs)

    durable.inner = SecondUpdateFails(alice_tasks)
    with pytest.raises(DatabaseUnavailableError):
        durable.flush()
    assert durable.pending_count() == 1
    restarted = DurableTasks(Switched(alice_tasks), Outbox(folder, "local"))  # memory is gone
    assert restarted.flush().sent == 1
    assert alice_tasks.get(task.id).title == "two"


def test_an_update_of_a_task_never_seen_is_queued_and_says_so(switched, folder, alice_tasks):
    task = alice_tasks.create(TaskDraft("Seen only by another object"))
    durable = outbox_for(folder, "local", switched)
    switched.down.set()
    with pytest.raises(QueuedEditError):
        durable.update(task.id, TaskChanges(title="queued anyway"))
    assert durable.pending_count() == 1
    switched.down.clear()
    durable.flush()
    assert alice_tasks.get(task.id).title == "queued anyway"


def test_a_read_that_works_ends_the_backoff(switched, folder, alice_tasks):
    durable = outbox_for(folder, "local", switched)
    task = durable.create(TaskDraft("Backoff"))
    switched.down.set()
    durable.update(task.id, TaskChanges(title="waiting"))
    with pytest.raises(DatabaseUnavailableError):
        durable.flush_if_due()  # inside the backoff: not even tried
    switched.down.clear()
    assert durable.offline
    durable.list(TaskQuery())
    assert not durable.offline
    assert durable.flush_if_due().sent == 1
    assert alice_tasks.get(task.id).title == "waiting"


# -- the embedded server killed outright --------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_edits_kept_while_the_killed_server_cannot_start_land_at_the_next_start(tmp_path: Path, monkeypatch):
    """The running app restarts a killed server (test_embedded_restart.py); when even that
    fails, the edits wait in the outbox through a quit and land at the next start."""
    from tests.support.restart_helpers import kill_server, open_as_the_app
    from todo_desktop.db.local import embedded
    from todo_desktop.machine.paths import AppPaths

    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(embedded, "RESTART_PAUSE", 0.5)
    paths = AppPaths.from_environment().ensure()

    local, durable = open_as_the_app(paths)
    local.db.retry_budget = 1.0  # the app waits 15 s; the test need not
    kept = durable.create(TaskDraft("Before the kill"))
    gone = durable.create(TaskDraft("Deleted while dead"))
    auto_conf = local.server.pgdata / "postgresql.auto.conf"
    good = auto_conf.read_text()
    auto_conf.write_text(good + "shared_buffers = 'not a size'\n")  # it cannot start again
    kill_server(local.server, everything=True)

    made = durable.create(TaskDraft("Made while dead", priority=Priority.URGENT))
    durable.update(kept.id, TaskChanges(title="Renamed while dead", due_date=DUE))
    durable.update(made.id, TaskChanges(completed=True))
    durable.delete([gone.id])
    assert durable.pending_count() == 4
    with pytest.raises(DatabaseUnavailableError):
        durable.flush()
    local.close()  # as the app does on quit; its server is already gone

    auto_conf.write_text(good)  # the next start finds a server that can start
    local, durable = open_as_the_app(paths)
    try:
        assert durable.pending_count() == 4
        assert durable.flush().sent == 4
        assert state(local.tasks) == {
            kept.id: ("Renamed while dead", None, False, Priority.MEDIUM, DUE),
            made.id: ("Made while dead", None, True, Priority.URGENT, None),
        }
    finally:
        local.close()


def test_a_new_task_the_database_fails_on_unexpectedly_is_kept_and_sent_later(
    switched, folder, alice_tasks, test_db
):
    """Not an outage, not a refusal of the task itself (here: the role lost a privilege):
    the typed task stays, waiting, and lands once when the database takes it again."""
    durable = outbox_for(folder, "local", switched)
    signature = (
        "todo_api.create_task(uuid, text, text, text, text, timestamptz, boolean, "
        "text[], text[], text, boolean)"
    )
    with test_db.superuser() as su:
        su.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM todo_app")
    try:
        kept = durable.create(TaskDraft("Typed during a hiccup"))
        assert durable.pending_count() == 1
        assert kept.title == "Typed during a hiccup"
    finally:
        with test_db.superuser() as su:
            su.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO todo_app")
    report = durable.flush()
    assert (report.sent, report.dropped, report.pending) == (1, 0, 0)
    stored = list(state(alice_tasks).values())
    assert stored == [("Typed during a hiccup", None, False, Priority.MEDIUM, None)]


def test_a_new_task_refused_when_sent_later_is_named_in_the_sentence(switched, folder, alice_tasks, test_db):
    durable = outbox_for(folder, "local", switched)
    durable.create(TaskDraft("Already there"))
    switched.down.set()
    durable.create(TaskDraft("Buy stamps"))
    switched.down.clear()
    with test_db.superuser() as su:
        su.execute("UPDATE todo_auth.settings SET max_tasks_per_user = 1")
    report = durable.flush()
    assert (report.sent, report.dropped) == (0, 1)
    assert report.problems[0].startswith("“Buy stamps”, added offline, was not saved:")
