"""A first window that teaches: an empty list says why it is empty and what to try, only once
its rows are known; the details pane says how to open a task instead of showing a blank form."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

from tests.support.gui_fakes import key, select_rows, settle
from tests.support.memory_tasks import UNREACHABLE
from todo_desktop.core.values import SmartList
from todo_desktop.ui.tasks.details_form import CHOOSE, CHOOSE_HINT
from todo_desktop.ui.tasks.empty_state import EVERY_LIST, TRY, ListShown, empty_sentences

pytestmark = pytest.mark.gui
WAIT_MS = 10_000


def says(window) -> str:
    """What the empty list says, as a person sees it: nothing unless it is on screen."""
    empty = window.area.empty
    return empty.text if empty.isVisible() else ""


def visible_texts(widget: QWidget) -> list[str]:
    shown = [w for w in widget.findChildren(QWidget) if w.isVisible()]
    texts = [w.text() for w in shown if isinstance(w, QLabel | QLineEdit | QAbstractButton)]
    return [text for text in texts if text]


def test_an_empty_first_window_teaches_quick_add(qtbot, make_window) -> None:
    window, _ = make_window(0)
    qtbot.waitUntil(lambda: says(window) == f"Your Inbox is empty. {TRY}", timeout=WAIT_MS)
    # The list itself carries the sentence: the overlay is not in the focus chain.
    assert window.area.table.accessibleDescription() == says(window)
    # Clicks go through to the list beneath.
    assert window.area.empty.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    details = window.details
    assert details.placeholder.isVisible() and not details.form.isVisible()
    assert details.placeholder.text == f"{CHOOSE} {CHOOSE_HINT}"
    assert not any("2000" in text for text in visible_texts(details))  # no made-up date on show


@pytest.mark.parametrize(
    ("smart_list", "headline"),
    [
        (SmartList.TODAY, "Nothing due today."),
        (SmartList.UPCOMING, "Nothing due in the next seven days."),
        (SmartList.OVERDUE, "Nothing overdue. You are up to date."),
        (SmartList.COMPLETED, "No completed tasks yet."),
        (SmartList.PRIORITY_URGENT, "No open urgent tasks."),
    ],
)
def test_each_list_says_why_it_is_empty(qtbot, make_window, smart_list, headline) -> None:
    window, _ = make_window(0)
    window.navigator.show_list(smart_list)
    qtbot.waitUntil(lambda: says(window).startswith(headline), timeout=WAIT_MS)
    if smart_list is SmartList.TODAY:
        assert says(window) == f"{headline} {TRY}"


def test_a_tag_and_a_search_say_what_found_nothing(qtbot, make_window) -> None:
    window, _ = make_window(0)
    window.navigator.show_tag("family")
    qtbot.waitUntil(lambda: says(window).startswith("No open tasks tagged #family."), timeout=WAIT_MS)
    window.navigator.show_list(SmartList.TODAY)
    qtbot.keyClicks(window.area.search, "plum")
    expected = f"Nothing matches “plum” in Today. {EVERY_LIST}"
    qtbot.waitUntil(lambda: says(window) == expected, timeout=WAIT_MS)
    window.navigator.find(everywhere=True)
    qtbot.waitUntil(lambda: says(window).startswith("Nothing matches “plum” in any list."), timeout=WAIT_MS)


def test_the_sentence_goes_with_the_first_row_and_comes_back_when_the_list_empties(
    qtbot, make_window
) -> None:
    window, _ = make_window(0)
    qtbot.waitUntil(lambda: bool(says(window)), timeout=WAIT_MS)
    window.area.focus_quick_add()
    qtbot.keyClicks(window.area.quick_add, "Call mum")
    key(qtbot, window.area.quick_add, "Return")
    qtbot.waitUntil(lambda: window.tasks.model.rowCount() == 1, timeout=WAIT_MS)
    assert says(window) == "" and window.area.table.accessibleDescription() == ""
    settle(qtbot, window)
    select_rows(window, [0])
    qtbot.waitUntil(lambda: window.details.form.isVisible(), timeout=WAIT_MS)
    key(qtbot, window.area.table, "Del")
    qtbot.waitUntil(lambda: window.tasks.model.rowCount() == 0, timeout=WAIT_MS)
    assert says(window) == f"Your Inbox is empty. {TRY}"
    qtbot.waitUntil(lambda: window.details.placeholder.isVisible(), timeout=WAIT_MS)
    settle(qtbot, window)


def test_nothing_is_said_while_the_rows_are_still_loading(qtbot, make_window) -> None:
    window, service = make_window(0)
    qtbot.waitUntil(lambda: bool(says(window)), timeout=WAIT_MS)
    gate = service.list_gates["plum"] = threading.Event()
    window.navigator.set_text("plum")
    # The Inbox's sentence is no longer true, and the search's answer is not here yet.
    assert says(window) == ""
    qtbot.wait(200)
    assert says(window) == ""
    gate.set()
    qtbot.waitUntil(lambda: says(window).startswith("Nothing matches “plum”"), timeout=WAIT_MS)


def test_a_list_that_failed_to_load_is_not_called_empty(qtbot, make_window) -> None:
    window, service = make_window(0)
    qtbot.waitUntil(lambda: bool(says(window)), timeout=WAIT_MS)
    service.down.set()
    window.navigator.show_list(SmartList.TODAY)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == UNREACHABLE, timeout=WAIT_MS)
    assert says(window) == ""
    service.down.clear()
    window.refresh()
    qtbot.waitUntil(lambda: says(window).startswith("Nothing due today."), timeout=WAIT_MS)


def test_a_first_start_that_failed_shows_retry_not_an_empty_list(qtbot, make_window) -> None:
    window, _ = make_window(0)
    window.area.show_error(UNREACHABLE)
    assert window.area.placeholder.isVisible() and window.area.placeholder.has_error
    assert says(window) == ""


def test_the_details_show_the_task_once_one_is_selected(qtbot, make_window) -> None:
    window, _ = make_window(2)
    qtbot.waitUntil(lambda: window.details.task_id is not None, timeout=WAIT_MS)
    assert window.details.form.isVisible() and not window.details.placeholder.isVisible()
    assert window.details.heading.text() == window.tasks.model.task_at(0).title
    assert says(window) == ""


def test_a_long_search_is_cut_short_and_each_priority_list_names_its_level() -> None:
    long = "x" * 200
    headline, _hint = empty_sentences(ListShown(SmartList.INBOX, text=long))
    assert headline == f"Nothing matches “{'x' * 39}…” in the Inbox."
    headline, hint = empty_sentences(ListShown(SmartList.PRIORITY_HIGH, text="plum"))
    assert (headline, hint) == ("Nothing matches “plum” in the high-priority tasks.", EVERY_LIST)
    assert empty_sentences(ListShown(SmartList.PRIORITY_LOW))[0] == "No open low-priority tasks."
    assert empty_sentences(ListShown(SmartList.INBOX, tag="home", text="plum"))[0] == (
        "Nothing matches “plum” in #home."
    )
