"""Every control of the main window has a name a screen reader can say, shown or not yet shown
(the details form behind its placeholder, Retry, the search scope), at a first start and with
a task open; and a combo box is named for what it sets, not by the value it holds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel, QWidget

from tests.support.accessible_widgets import is_control, widget_path
from tests.support.gui_fakes import select_rows
from todo_desktop.core.values import Priority

pytestmark = pytest.mark.gui
WAIT_MS = 10_000


def unnamed_controls(window: QWidget) -> list[str]:
    """Controls of ``window`` (hidden ones too) with neither an accessible name nor a label
    that names them (a buddy)."""
    widgets = [w for w in window.findChildren(QWidget) if w.window() is window]
    labelled = {id(label.buddy()) for label in widgets if isinstance(label, QLabel) and label.buddy()}
    controls = [w for w in widgets if is_control(w)]
    assert len(controls) >= 12, [widget_path(w) for w in controls]  # the walk found the window's controls
    return [widget_path(w) for w in controls if not w.accessibleName().strip() and id(w) not in labelled]


def labelled_by(widget: QWidget) -> list[str]:
    """The names of the labels a screen reader reads out for ``widget`` (its Label relations)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    relations = interface.relations(QAccessible.RelationFlag.Label)
    return [label.text(QAccessible.Text.Name).replace("&", "") for label, _relation in relations]


def test_a_first_start_has_no_unnamed_control(qtbot, make_window) -> None:
    window, _ = make_window(0)
    qtbot.waitUntil(window.details.placeholder.isVisible, timeout=WAIT_MS)
    assert unnamed_controls(window) == []


def test_a_window_with_a_task_open_has_no_unnamed_control(qtbot, make_window) -> None:
    window, _ = make_window(2)
    select_rows(window, [1])
    qtbot.waitUntil(lambda: window.details.task_id is not None, timeout=WAIT_MS)
    assert unnamed_controls(window) == []


def test_the_priority_box_is_named_priority_whatever_it_holds(qtbot, make_window) -> None:
    window, _ = make_window(1)
    qtbot.waitUntil(lambda: window.details.task_id is not None, timeout=WAIT_MS)
    combo = window.details.priority_combo
    for priority in (Priority.HIGH, Priority.LOW):
        combo.setCurrentIndex(combo.findData(priority))
        assert combo.accessibleName() == "Priority"
        # Qt on Linux names a combo box by its value and leaves its name to the label beside it.
        assert labelled_by(combo) == ["Priority"]
        assert combo.currentText() == priority.value.capitalize()


def test_each_details_label_takes_the_keyboard_to_its_own_field(qtbot, make_window) -> None:
    window, _ = make_window(1)
    qtbot.waitUntil(lambda: window.details.task_id is not None, timeout=WAIT_MS)
    pane = window.details
    window.details_link.open_details("title")
    qtbot.waitUntil(pane.title_edit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(pane.title_edit, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(pane.priority_combo.hasFocus, timeout=WAIT_MS)
    for control in (pane.title_edit, pane.description_edit, pane.due_edit, pane.tags_edit, pane.repeat_edit):
        assert labelled_by(control), control.accessibleName()


def test_the_empty_list_and_the_details_note_take_no_keyboard_focus(qtbot, make_window) -> None:
    window, _ = make_window(0)
    qtbot.waitUntil(window.area.empty.isVisible, timeout=WAIT_MS)
    quiet = [window.area.empty, *window.area.empty.findChildren(QWidget)]
    quiet += [window.details.placeholder, *window.details.placeholder.findChildren(QWidget)]
    assert all(w.focusPolicy() == Qt.FocusPolicy.NoFocus for w in quiet)
