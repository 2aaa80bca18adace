"""Open in a notification shows its task in the list even when the task lies below the
Inbox's first read, which holds only a window's rows: the list is read on until it shows."""

from __future__ import annotations

import pytest

from tests.support.gui_fakes import shown_titles
from tests.support.tag_windows import all_stored, tag_window_maker
from todo_desktop.core.page_sizes import FIRST_PAGE
from todo_desktop.core.values import SmartList, TaskDraft
from todo_desktop.db.reminders import ReminderRepository

pytestmark = pytest.mark.gui

WANTED = "Call the plumber"


@pytest.fixture(params=["database"])
def make_window(request, qtbot, tmp_path, desktop_tray):
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


def test_open_shows_a_task_below_the_inboxs_first_read(qtbot, make_window, client_db, alice):
    # Due an hour apart, in this order: the wanted one comes last in the Inbox.
    drafts = [TaskDraft(f"Task {i}") for i in range(FIRST_PAGE + 40)] + [TaskDraft(WANTED)]
    window, service = make_window(drafts, reminders=ReminderRepository(client_db, alice.token))
    window.resize(900, 600)
    [wanted] = [t for t in all_stored(service) if t.title == WANTED]
    window.navigator.show_list(SmartList.COMPLETED)
    qtbot.waitUntil(lambda: shown_titles(window) == [])

    window.reminders.parts.desk.open_requested.emit(wanted.id)
    qtbot.waitUntil(lambda: (window.commands.current_task() or drafts[0]).title == WANTED)
    assert window.navigator.current is SmartList.INBOX
    assert window.tasks.model.rowCount() == len(drafts)
