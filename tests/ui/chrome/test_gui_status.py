"""The status bar speaks of the person's work (how many tasks, which workspace, edits waiting, a
database waking up), and the technical facts it used to show live in Help > Diagnostics."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMainWindow

from tests.support.memory_tasks import ALICE, MemoryTasks
from todo_desktop import __version__
from todo_desktop.core.ports import Workspace
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import SmartList
from todo_desktop.ui.chrome.banner import Banner
from todo_desktop.ui.chrome.diagnostics import NOTHING_YET, DiagnosticsDialog
from todo_desktop.ui.chrome.waking import WakingNotice
from todo_desktop.ui.chrome.window_status import WAKING_NOTE, WindowStatus

pytestmark = pytest.mark.gui
WAIT_MS = 10_000


@pytest.fixture
def bar(qtbot):
    """A bare window's status bar, with the window's permanent labels in it."""
    window = QMainWindow()
    qtbot.addWidget(window)
    status = WindowStatus(window.statusBar(), window)
    window.show()
    qtbot.waitExposed(window)
    yield status
    window.close()


def shown(status: WindowStatus) -> list[str]:
    bar = status.message_label.parentWidget()
    assert bar is not None
    return [label.text() for label in bar.findChildren(QLabel) if label.isVisible() and label.text()]


def test_the_status_bar_speaks_of_the_work_not_the_database(qtbot, make_window, alice) -> None:
    window, _ = make_window(3)
    status = window.status
    qtbot.waitUntil(lambda: status.list_label.text() == "3 tasks", timeout=WAIT_MS)
    assert status.list_label.toolTip() == "Inbox: 3"  # the name, for whoever hovers
    assert status.where_label.text() == "On this computer"
    qtbot.waitUntil(lambda: any(name == "Last operation" for name, _ in status.facts()), timeout=WAIT_MS)
    texts = shown(status)
    # Neither the local account's name (the computer's user) nor a latency is on show.
    assert not any(alice.account.display_name in text for text in texts), texts
    assert not any(text.endswith(" ms") for text in texts), texts
    window.navigator.show_list(SmartList.COMPLETED)
    qtbot.waitUntil(lambda: status.list_label.toolTip() == "Completed: 0", timeout=WAIT_MS)
    assert status.list_label.text() == "No tasks"


def test_one_task_and_thousands_read_as_words(bar) -> None:
    bar.show_list("Inbox", 1)
    assert bar.list_label.text() == "1 task"
    bar.show_list("Inbox", 12_345)
    assert bar.list_label.text() == "12,345 tasks"
    bar.show_list("All lists", None)  # a search of every list has no count of its own
    assert bar.list_label.text() == "All lists"


def test_a_shared_workspace_names_its_host_and_who_is_signed_in(bar) -> None:
    shared = Workspace(
        tasks=MemoryTasks([]), account=ALICE, where="ep-quiet-pond.example.net", profile_id=str(uuid.uuid4())
    )
    bar.show_workspace(shared, "Team")
    assert bar.where_label.text() == "Team (ep-quiet-pond.example.net)"
    assert bar.account_label.isVisible() and bar.account_label.text() == ALICE.display_name
    bar.show_closed("Team", "Not signed in")
    assert bar.account_label.text() == "Not signed in" and bar.account_label.isVisible()
    bar.show_closed("this computer", "")
    assert bar.where_label.text() == "On this computer" and not bar.account_label.isVisible()
    local = Workspace(tasks=MemoryTasks([]), account=ALICE, where="this computer")
    bar.show_workspace(local)
    assert not bar.account_label.isVisible()
    assert ("Account", f"{ALICE.display_name} <{ALICE.email}>") in bar.facts()  # for diagnostics


def test_edits_waiting_show_only_while_there_are_some(bar) -> None:
    bar.show_pending(2)
    assert "2 edits waiting" in shown(bar)
    bar.show_pending(0)
    assert not bar.pending_label.isVisible()
    assert all(name != "Edits waiting" for name, _ in bar.facts())


def test_a_waking_database_is_said_in_the_status_bar(qtbot, bar) -> None:
    reachability = Reachability()
    banner = Banner()
    qtbot.addWidget(banner)
    notice = WakingNotice(reachability, banner, lambda: False)
    notice.waking_shown.connect(bar.show_waking)
    assert WAKING_NOTE not in shown(bar)
    with reachability.operation() as waiting:
        waiting()
        qtbot.waitUntil(lambda: WAKING_NOTE in shown(bar), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: WAKING_NOTE not in shown(bar), timeout=WAIT_MS)
    notice.stop()


def test_diagnostics_hold_what_left_the_status_bar(qtbot, make_window, alice) -> None:
    window, _ = make_window(1)
    qtbot.waitUntil(
        lambda: any(name == "Last operation" for name, _ in window.status.facts()), timeout=WAIT_MS
    )
    dialog = DiagnosticsDialog(window.status.facts, window)
    dialog.open_dialog()
    qtbot.waitExposed(dialog)
    report = dialog.text.toPlainText()
    lines = report.splitlines()
    assert any(line.startswith("Last operation: ") and line.endswith(" ms") for line in lines), report
    assert f"Account: {alice.account.display_name} <{alice.account.email}>" in lines
    assert "Database: this computer" in lines
    assert f"Todo Desktop: {__version__}" in lines
    assert dialog.text.isReadOnly()
    qtbot.waitUntil(dialog.text.hasFocus, timeout=WAIT_MS)  # Ctrl+A, Ctrl+C work at once
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == report
    dialog.close()


def test_diagnostics_before_anything_was_measured_say_so(qtbot) -> None:
    dialog = DiagnosticsDialog(list)
    qtbot.addWidget(dialog)
    dialog.refresh()
    assert dialog.text.toPlainText().splitlines()[0] == NOTHING_YET
