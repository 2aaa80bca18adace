"""Two devices signed in as one person edit the same tasks: what the window does with the
other device's versions, against a real PostgreSQL database.

"The phone" is the same person signed in a second time, with its own TaskRepository; the
window hears of it only through the database.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.attack_helpers import as_session, attacker
from tests.support.database import PASSWORD
from tests.support.gui_fakes import key, select_rows, settle
from todo_desktop.core.clock import utc_now
from todo_desktop.core.title_order import title_key
from todo_desktop.core.values import Status, TaskChanges, TaskDraft, TaskQuery
from todo_desktop.db.tasks import TaskRepository

pytestmark = pytest.mark.gui


@pytest.fixture
def phone(client_db, accounts, alice) -> TaskRepository:
    second = accounts.sign_in(alice.account.email, PASSWORD)
    return TaskRepository(client_db, second.token)


def _titled(alice_tasks, title: str):
    return [t for t in alice_tasks.list(TaskQuery(status=Status.ALL)).tasks if t.title == title]


def _dialog(qtbot, window, task_id):
    qtbot.waitUntil(lambda: task_id in window.conflicts.dialogs)
    dialog = window.conflicts.dialogs[task_id]
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_keeping_my_completion_of_a_repeating_task_still_makes_the_next_one(
    qtbot, make_window, alice_tasks, phone
):
    """The phone moved the due date of a repeating task; the window, not having seen it,
    completes it and keeps its completion: the series goes on from the phone's date."""
    due = utc_now().replace(microsecond=0) + timedelta(hours=2)
    task = alice_tasks.create(TaskDraft(title="Water the plants", due_date=due, repeat="FREQ=DAILY"))
    window, _ = make_window(0)
    qtbot.waitUntil(lambda: window.tasks.model.row_of(task.id) is not None)
    theirs = phone.update(task.id, TaskChanges(due_date=due + timedelta(hours=3)))

    select_rows(window, [window.tasks.model.row_of(task.id)])
    key(qtbot, window.area.table, "Space")
    dialog = _dialog(qtbot, window, task.id)
    settle(qtbot, window)
    dialog.mine_button.click()
    settle(qtbot, window)

    stored = _titled(alice_tasks, "Water the plants")
    done = [t for t in stored if t.id == task.id]
    assert done[0].completed
    following = [t for t in stored if t.id != task.id]
    assert len(following) == 1, "completing a repeating task must make its next occurrence"
    assert not following[0].completed
    assert following[0].due_date == theirs.due_date + timedelta(days=1)
    qtbot.waitUntil(lambda: window.tasks.model.row_of(following[0].id) is not None)


def test_keeping_my_undo_of_a_completion_takes_its_next_occurrence_back(
    qtbot, make_window, alice_tasks, phone
):
    """The window completes a repeating task (its next one is made); the phone renames the
    completed task; the window's Ctrl+Z meets the rename, and the person keeps the undo: the
    task is open again and the occurrence its completion made is gone, as with any undo."""
    due = utc_now().replace(microsecond=0) + timedelta(hours=2)
    task = alice_tasks.create(TaskDraft(title="Water the plants", due_date=due, repeat="FREQ=DAILY"))
    window, _ = make_window(0)
    qtbot.waitUntil(lambda: window.tasks.model.row_of(task.id) is not None)
    select_rows(window, [window.tasks.model.row_of(task.id)])
    key(qtbot, window.area.table, "Space")
    settle(qtbot, window)
    assert len(_titled(alice_tasks, "Water the plants")) == 2
    phone.update(task.id, TaskChanges(description="Use the rain water"))

    key(qtbot, window.area.table, "Ctrl+Z")
    dialog = _dialog(qtbot, window, task.id)
    settle(qtbot, window)
    dialog.mine_button.click()
    settle(qtbot, window)

    [back] = _titled(alice_tasks, "Water the plants")
    assert back.id == task.id and not back.completed
    assert back.description == "Use the rain water"  # their field, which the undo did not set


def test_undo_of_a_rename_the_other_device_renamed_again_asks_first(qtbot, make_window, alice_tasks, phone):
    """The window renames a task; the phone renames it again, and the window shows that.
    Ctrl+Z then would write the first title over the phone's, which nobody could get back:
    it asks instead, and either answer leaves each title where the person wants it."""
    window, _ = make_window(1)
    task = window.tasks.model.task_at(0)
    window.commands.rename(task.id, "Renamed here")
    settle(qtbot, window)
    phone.update(task.id, TaskChanges(title="Renamed on the phone"))
    window.navigator.poll_changes()
    qtbot.waitUntil(lambda: window.tasks.model.task(task.id).title == "Renamed on the phone")

    select_rows(window, [0])
    key(qtbot, window.area.table, "Ctrl+Z")
    dialog = _dialog(qtbot, window, task.id)
    settle(qtbot, window)
    assert alice_tasks.get(task.id).title == "Renamed on the phone"  # nothing overwritten yet
    assert dialog.labels[("title", "theirs")].text() == "Renamed on the phone"
    assert dialog.labels[("title", "mine")].text() == task.title
    dialog.theirs_button.click()
    settle(qtbot, window)
    assert alice_tasks.get(task.id).title == "Renamed on the phone"
    assert window.tasks.model.task(task.id).title == "Renamed on the phone"


def test_undo_of_a_rename_nobody_changed_since_needs_no_question(qtbot, make_window, alice_tasks, phone):
    window, _ = make_window(1)
    task = window.tasks.model.task_at(0)
    window.commands.rename(task.id, "  Renamed here  ")  # stored trimmed: still what it set
    settle(qtbot, window)
    phone.update(task.id, TaskChanges(description="Notes from the phone"))  # another field
    window.navigator.poll_changes()
    qtbot.waitUntil(lambda: window.tasks.model.task(task.id).description == "Notes from the phone")

    select_rows(window, [0])
    key(qtbot, window.area.table, "Ctrl+Z")
    settle(qtbot, window)
    assert not window.conflicts.dialogs
    stored = alice_tasks.get(task.id)
    assert (stored.title, stored.description) == (task.title, "Notes from the phone")


def test_a_task_added_on_the_phone_keeps_the_selection_made_meanwhile(qtbot, make_window, alice_tasks, phone):
    """The person has selected three tasks to complete together; the phone adds one, and the
    poll reads the list again to show it: the same three are still selected, so Space
    completes exactly those."""
    window, _ = make_window(4, refresh_ms=3_600_000)  # polled here, not by the clock
    chosen = [window.tasks.model.task_at(row).id for row in (0, 1, 3)]
    select_rows(window, [0, 1, 3])
    phone.create(TaskDraft(title="Added on the phone"))

    window.navigator.poll_changes()
    qtbot.waitUntil(lambda: any(t.title == "Added on the phone" for t in window.tasks.model.tasks()))

    assert {t.id for t in window.commands.selected_tasks()} == set(chosen)
    key(qtbot, window.area.table, "Space")
    settle(qtbot, window)
    done = {t.id for t in alice_tasks.list(TaskQuery(status=Status.ALL)).tasks if t.completed}
    assert done == set(chosen)


def test_a_rename_in_a_long_transaction_shows_at_the_poll_after_it_commits(
    qtbot, make_window, phone, test_db, alice
):
    """Another device renames a task on screen inside an import that runs long; meanwhile the
    phone's later edit commits, stamped a minute past the rename (beyond any overlap of
    seconds), and the window's poll reads it. The rename still shows, at the next poll."""
    window, _ = make_window(2, refresh_ms=3_600_000)  # polled here, not by the clock
    qtbot.waitUntil(lambda: window.tasks.change_cursor is not None)
    renamed, dated = window.tasks.model.task_at(0), window.tasks.model.task_at(1)
    importer = attacker(test_db.client_url)
    try:
        as_session(importer, alice.token)
        title = "Renamed by the import"
        importer.execute(
            "SELECT outcome FROM todo_api.update_task(%s, NULL, ARRAY['title'], %s, %s, NULL, NULL, NULL,"
            " NULL, NULL, NULL, NULL, NULL)",
            (renamed.id, title, title_key(title)),
        )
        later = phone.update(dated.id, TaskChanges(due_date=utc_now() + timedelta(days=3)))
        with test_db.superuser() as su:
            su.execute("SET session_replication_role = replica")
            su.execute(
                "UPDATE public.tasks SET updated_at = updated_at + interval '1 minute' WHERE id = %s",
                (later.id,),
            )
        window.navigator.poll_changes()
        qtbot.waitUntil(lambda: window.tasks.model.task(dated.id).due_date == later.due_date)
        settle(qtbot, window)
        assert window.tasks.model.task(renamed.id).title == renamed.title
        importer.commit()
    finally:
        importer.close()
    window.navigator.poll_changes()
    qtbot.waitUntil(lambda: window.tasks.model.task(renamed.id).title == "Renamed by the import")
