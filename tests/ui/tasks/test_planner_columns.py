"""The planner's cells: "Updated" and "Created" hidden until the View menu shows them (and
remembered), the priority as a marker that is not colour alone, and a mark for notes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QTableView

from tests.support.memory_tasks import make_task
from todo_desktop.core.values import Priority
from todo_desktop.ui.command_table import BOUND, CommandId, CommandTable, build_commands
from todo_desktop.ui.tasks.column_choice import bind_view_menu
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.planner_view import dress_table
from todo_desktop.ui.tasks.table_model import TaskTableModel
from todo_desktop.ui.tasks.title_delegate import TitleDelegate

pytestmark = pytest.mark.gui


def window_with_menu(qtbot, settings: QSettings) -> tuple[QMainWindow, QTableView, CommandTable]:
    window = QMainWindow()
    qtbot.addWidget(window)
    view = QTableView(window)
    model = TaskTableModel(parent=view)
    view.setModel(model)
    window.setCentralWidget(view)
    table = build_commands(
        window,
        view,
        QUndoStack(window),
        {command: (lambda: None) for command in BOUND},
        show_list=lambda _l: None,
        set_sort=lambda _s: None,
        set_priority=lambda _p: None,
    )
    bind_view_menu(table, view, settings)
    return window, view, table


def test_updated_and_created_are_hidden_until_shown_and_the_choice_is_kept(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    _, view, table = window_with_menu(qtbot, settings)
    assert view.isColumnHidden(Column.UPDATED) and view.isColumnHidden(Column.CREATED)
    assert not view.isColumnHidden(Column.DUE)
    show_created = table[CommandId.SHOW_CREATED]
    assert show_created.text().replace("&", "") == "Show Created Column"
    assert show_created.isCheckable() and not show_created.isChecked()
    show_created.trigger()
    assert not view.isColumnHidden(Column.CREATED)
    assert view.isColumnHidden(Column.UPDATED)
    settings.sync()
    # The next start shows what was chosen.
    again = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    _, view, table = window_with_menu(qtbot, again)
    assert not view.isColumnHidden(Column.CREATED)
    assert table[CommandId.SHOW_CREATED].isChecked()
    table[CommandId.SHOW_CREATED].trigger()
    assert view.isColumnHidden(Column.CREATED)


def test_the_view_menu_lists_both_choices(qtbot, tmp_path):
    window, _, _ = window_with_menu(qtbot, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert isinstance(view_menu, QMenu)
    names = [a.text() for a in view_menu.actions()]
    assert "Show &Updated Column" in names and "Show C&reated Column" in names


def test_the_created_column_shows_when_a_task_was_made(qapp):
    task = make_task("Plan the trip")
    model = TaskTableModel()
    model.set_rows([task])
    assert (
        model.headerData(Column.CREATED, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == "Created"
    )
    assert model.index(0, Column.CREATED).data() == task.created_at.astimezone().strftime("%Y-%m-%d %H:%M")


def test_priority_is_said_in_words(qapp):
    model = TaskTableModel()
    model.set_rows([make_task("Taxes", priority=Priority.HIGH), make_task("Milk", priority=Priority.LOW)])
    cell = model.index(0, Column.PRIORITY)
    assert cell.data(Qt.ItemDataRole.AccessibleTextRole) == "High priority"
    assert "High priority" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, Column.PRIORITY).data(Qt.ItemDataRole.AccessibleTextRole) == "Low priority"


def _view(qtbot, tasks) -> tuple[QTableView, TaskTableModel]:
    model = TaskTableModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(Column.TITLE, TitleDelegate(view))
    dress_table(view, model)
    model.set_rows(tasks)
    view.resize(800, 300)
    view.setColumnWidth(Column.TITLE, 400)
    view.show()
    qtbot.waitExposed(view)
    return view, model


def _cell(view: QTableView, row: int, column: Column) -> QImage:
    return view.viewport().grab(view.visualRect(view.model().index(row, column))).toImage()


def _colours(image: QImage) -> set[int]:
    return {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}


def _ink(image: QImage) -> frozenset[tuple[int, int]]:
    """Where anything is drawn, whatever its colour: the shape alone."""
    background = image.pixel(1, 1)
    return frozenset(
        (x, y) for x in range(image.width()) for y in range(image.height()) if image.pixel(x, y) != background
    )


def test_the_priority_marker_has_a_shape_of_its_own_for_each_priority(qtbot):
    tasks = [
        make_task("Same", priority=p) for p in (Priority.URGENT, Priority.HIGH, Priority.MEDIUM, Priority.LOW)
    ]
    view, _ = _view(qtbot, tasks)
    view.setAlternatingRowColors(False)
    cells = [_cell(view, row, Column.PRIORITY) for row in range(4)]
    # Told apart without colour: each marker's shape differs, not only its hue.
    assert len({_ink(cell) for cell in cells}) == 4
    assert len(_colours(cells[2])) == 1  # medium, the usual one, shows nothing


def test_notes_show_a_mark_after_the_title(qtbot):
    plain = make_task("Call the bank")
    with_notes = replace(plain, id=make_task("x").id, description="Ask about the fee")
    view, model = _view(qtbot, [plain, with_notes])
    view.setAlternatingRowColors(False)
    plain_ink, notes_ink = _ink(_cell(view, 0, Column.TITLE)), _ink(_cell(view, 1, Column.TITLE))
    # The same title, then something more after it.
    assert max(x for x, _ in notes_ink) > max(x for x, _ in plain_ink) + 8
    assert "Has notes" in model.index(1, Column.TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Has notes" not in (model.index(0, Column.TITLE).data(Qt.ItemDataRole.ToolTipRole) or "")
