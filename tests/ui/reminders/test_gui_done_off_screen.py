"""Done in a notification for a task the list on screen does not show (another list is open,
or the window waits in the tray) does what Space does on a task that is shown: one undoable
step, the next occurrence of a repeat, and the counts (the tray's too) follow. Open shows such
a task in the Inbox, even below its first read, which holds only a window's rows, clearing a
search that leaves it out, and says why when the Inbox does not show it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.support.gui_fakes import settle, shown_titles
from tests.support.tag_windows import all_stored, stored_task, tag_window_maker
from todo_desktop.core.clock import LocalZone, end_of_day
from todo_desktop.core.page_sizes import FIRST_PAGE
from todo_desktop.core.values import SmartList, TaskChanges, TaskDraft
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.ui.reminders import window_link
from todo_desktop.ui.reminders.window_link import FAR_DOWN, GONE, NOT_OPEN

pytestmark = pytest.mark.gui

TITLE = "Water the plants"


@pytest.fixture(params=["database"])
def make_window(request, qtbot, tmp_path, desktop_tray):
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


def series(service):
    return sorted((t for t in all_stored(service) if t.title == TITLE), key=lambda t: t.due_date)


def away_from_it(qtbot, window) -> None:
    """The Completed list on screen: the open task is not among its rows."""
    window.navigator.show_list(SmartList.COMPLETED)
    qtbot.waitUntil(lambda: shown_titles(window) == [])


def today_line(window) -> str:
    tray = window.reminders.parts.tray
    return tray.today_action.text()


def test_done_for_a_task_not_shown_is_undoable_and_makes_the_next_occurrence(
    qtbot, make_window, client_db, alice
):
    due = end_of_day(datetime.now().astimezone(), LocalZone())
    draft = TaskDraft(TITLE, due_date=due, repeat="FREQ=DAILY")
    window, service = make_window([draft], reminders=ReminderRepository(client_db, alice.token))
    [task] = series(service)
    qtbot.waitUntil(lambda: today_line(window) == "1 due today")
    away_from_it(qtbot, window)

    window.reminders.parts.desk.done_requested.emit(task.id)
    qtbot.waitUntil(lambda: stored_task(service, task.id).completed)
    settle(qtbot, window)
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText() == f"Complete “{TITLE}”"
    done, following = series(service)
    assert done.id == task.id and not following.completed
    assert following.due_date > due and following.repeat == "FREQ=DAILY"
    # The list on screen (Completed) now holds it; the counts and the tray follow.
    qtbot.waitUntil(lambda: shown_titles(window) == [TITLE])
    qtbot.waitUntil(lambda: today_line(window) == "Nothing due today")
    assert window.navigator.counts.counts[SmartList.TODAY] == 0

    window.undo_stack.undo()  # Ctrl+Z: open again, and the occurrence it made is gone
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not stored_task(service, task.id).completed)
    assert [t.id for t in series(service)] == [task.id]
    qtbot.waitUntil(lambda: today_line(window) == "1 due today")
    qtbot.waitUntil(lambda: shown_titles(window) == [])

    window.undo_stack.redo()  # and again: the same next occurrence, made once
    settle(qtbot, window)
    qtbot.waitUntil(lambda: len(series(service)) == 2)
    assert series(service)[1].id == following.id


def test_done_for_a_task_deleted_meanwhile_says_so(qtbot, make_window, client_db, alice, alice_tasks):
    draft = TaskDraft(TITLE, due_date=datetime.now().astimezone() + timedelta(days=3))
    window, service = make_window([draft], reminders=ReminderRepository(client_db, alice.token))
    [task] = series(service)
    away_from_it(qtbot, window)
    alice_tasks.delete([task.id])  # on another device

    window.reminders.parts.desk.done_requested.emit(task.id)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == GONE)
    settle(qtbot, window)
    assert window.undo_stack.count() == 0
    assert series(service) == []


def test_done_naming_someone_elses_task_changes_nothing(qtbot, make_window, client_db, alice, bob_tasks):
    """A forged Done (another person's task id) neither reads nor completes their task."""
    theirs = bob_tasks.create(TaskDraft("Bob's secret"))
    window, _service = make_window([TaskDraft(TITLE)], reminders=ReminderRepository(client_db, alice.token))
    assert ReminderRepository(client_db, alice.token).task(theirs.id) is None

    window.reminders.parts.desk.done_requested.emit(theirs.id)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == GONE)
    settle(qtbot, window)
    assert not bob_tasks.get(theirs.id).completed
    assert window.undo_stack.count() == 0


def open_the_last_of_many(qtbot, make_window, client_db, alice, count: int):
    """``count`` tasks due an hour apart, the reminded one last in the Inbox; Open pressed
    with the Completed list on screen. Returns the window."""
    drafts = [TaskDraft(f"Task {i}") for i in range(count - 1)] + [TaskDraft(TITLE)]
    window, service = make_window(drafts, reminders=ReminderRepository(client_db, alice.token))
    window.resize(900, 600)
    [wanted] = series(service)
    away_from_it(qtbot, window)
    window.reminders.parts.desk.open_requested.emit(wanted.id)
    return window


def test_open_shows_a_task_below_the_inboxs_first_read(qtbot, make_window, client_db, alice):
    count = FIRST_PAGE + 41
    window = open_the_last_of_many(qtbot, make_window, client_db, alice, count)
    qtbot.waitUntil(lambda: getattr(window.commands.current_task(), "title", None) == TITLE)
    assert window.navigator.current is SmartList.INBOX
    assert window.tasks.model.rowCount() == count


def test_open_for_a_task_no_longer_open_says_so(qtbot, make_window, client_db, alice):
    window, service = make_window(
        [TaskDraft(TITLE)], reminders=ReminderRepository(client_db, alice.token), refresh_ms=60_000
    )
    [task] = series(service)
    away_from_it(qtbot, window)
    service.update(task.id, TaskChanges(completed=True))  # on another device, say

    window.reminders.parts.desk.open_requested.emit(task.id)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == NOT_OPEN)
    assert window.navigator.current is SmartList.INBOX and shown_titles(window) == []


def test_open_clears_a_search_that_leaves_the_task_out(qtbot, make_window, client_db, alice):
    window, service = make_window(
        [TaskDraft("Call the plumber"), TaskDraft(TITLE)],
        reminders=ReminderRepository(client_db, alice.token),
    )
    [task] = series(service)
    search = window.area.search
    search.setText("plumber")
    search.send_now()
    qtbot.waitUntil(lambda: shown_titles(window) == ["Call the plumber"])

    window.reminders.parts.desk.open_requested.emit(task.id)
    qtbot.waitUntil(lambda: getattr(window.commands.current_task(), "title", None) == TITLE)
    assert search.text() == "" and window.navigator.text == ""
    assert window.navigator.current is SmartList.INBOX and sorted(shown_titles(window)) == [
        "Call the plumber",
        TITLE,
    ]

    # A task the search shows is opened where it is, the search kept.
    search.setText("plants")
    search.send_now()
    qtbot.waitUntil(lambda: shown_titles(window) == [TITLE])
    window.area.table.clearSelection()
    window.reminders.parts.desk.open_requested.emit(task.id)
    qtbot.waitUntil(lambda: getattr(window.commands.current_task(), "title", None) == TITLE)
    assert search.text() == "plants" and shown_titles(window) == [TITLE]


def test_open_reads_on_only_so_far_and_then_says_where_the_task_is(
    qtbot, make_window, client_db, alice, monkeypatch
):
    monkeypatch.setattr(window_link, "MOST_ROWS_TO_OPEN", FIRST_PAGE)  # 2,000 in the app
    window = open_the_last_of_many(qtbot, make_window, client_db, alice, FIRST_PAGE + 41)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == FAR_DOWN)
    assert window.tasks.model.rowCount() == FIRST_PAGE
