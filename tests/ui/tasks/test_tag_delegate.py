"""The title cell's chips and repeat mark: painted by a delegate (no widget per row), said in
words to screen readers and in the tooltip, repainted when only the tags change, and the
same pixels as before for a row without tags or repeat."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStyledItemDelegate, QTableView

from tests.support.memory_tasks import make_task
from todo_desktop.core.values import Priority
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.table_model import TaskTableModel
from todo_desktop.ui.tasks.title_delegate import TitleDelegate

pytestmark = pytest.mark.gui

WEEKLY = "FREQ=WEEKLY"


def tasks():
    return [
        make_task("Plain"),
        make_task("Buy milk", tags=("shop", "dairy")),
        make_task("Gym", repeat="FREQ=WEEKLY;BYDAY=MO"),
        make_task(
            "Water plants", tags=("home",), repeat="FREQ=DAILY;INTERVAL=3", repeat_after_completion=True
        ),
        make_task("Urgent and done", tags=("work",), priority=Priority.URGENT, completed=True),
    ]


def view_of(
    qtbot, model: TaskTableModel, delegate: QStyledItemDelegate | None, width: int = 600
) -> QTableView:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    if delegate is not None:
        view.setItemDelegateForColumn(Column.TITLE, delegate)
    view.resize(width + 300, 300)
    view.setColumnWidth(Column.TITLE, width)
    view.show()
    qtbot.waitExposed(view)
    return view


def title_cell(view: QTableView, row: int) -> QImage:
    rect = view.visualRect(view.model().index(row, Column.TITLE))
    return view.viewport().grab(rect).toImage()


def test_the_model_passes_qt_model_tester_with_tags_and_repeats(qtmodeltester) -> None:
    model = TaskTableModel()
    model.set_rows(tasks())
    qtmodeltester.check(model, force_py=True)
    model.replace_task(replace(model.task_at(1), tags=("shop",)))
    qtmodeltester.check(model, force_py=True)


def test_tags_and_repeat_are_said_in_words(qapp) -> None:
    model = TaskTableModel()
    model.set_rows(tasks())
    spoken = [model.index(r, Column.TITLE).data(Qt.ItemDataRole.AccessibleDescriptionRole) for r in range(5)]
    assert spoken[0] is None
    assert spoken[1] == "Tags #shop, #dairy"
    assert spoken[2] == "Repeats every Monday"
    assert spoken[3] == "Tags #home, Repeats every 3 days after completion"
    assert spoken[4] == "Urgent, Tags #work"
    tooltip = model.index(3, Column.DUE).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == spoken[3]  # on every cell of the row
    assert model.index(1, Column.TITLE).data() == "Buy milk"  # the title itself stays plain


def test_a_change_of_tags_alone_repaints_the_title_cell(qapp) -> None:
    model = TaskTableModel()
    model.set_rows(tasks())
    changed: list[tuple[int, int, list[int]]] = []
    model.dataChanged.connect(
        lambda first, last, roles: changed.append((first.column(), last.column(), list(roles)))
    )
    model.replace_task(replace(model.task_at(1), tags=("shop",)))
    model.replace_task(replace(model.task_at(2), repeat=WEEKLY))
    assert changed == [(Column.TITLE, Column.TITLE, [])] * 2  # every role: painted afresh


def test_chips_and_the_mark_are_painted_and_plain_rows_look_as_before(qtbot) -> None:
    model = TaskTableModel()
    model.set_rows(tasks())
    stock = view_of(qtbot, model, None)
    painted = view_of(qtbot, model, TitleDelegate())
    assert title_cell(painted, 0) == title_cell(stock, 0)  # no tags, no repeat: untouched
    for row in (1, 2, 3, 4):
        assert title_cell(painted, row) != title_cell(stock, row), row

    bare = TaskTableModel()
    bare.set_rows([replace(t, tags=(), repeat=None) for t in tasks()])
    without = view_of(qtbot, bare, TitleDelegate())
    for row in (1, 2, 3):  # the same title, so the difference is the chips and the mark
        assert title_cell(painted, row) != title_cell(without, row), row


def test_a_narrow_column_drops_the_chips_that_do_not_fit(qtbot) -> None:
    model = TaskTableModel()
    model.set_rows([make_task("A title long enough to need the room", tags=("one", "two", "three"))])
    delegate = TitleDelegate()
    narrow = view_of(qtbot, model, delegate, width=60)
    image = title_cell(narrow, 0)
    assert not image.isNull()  # painted without a chip cut in half, and without an error


def test_chip_widths_are_measured_once_per_set_of_tags(qtbot) -> None:
    model = TaskTableModel()
    model.set_rows([make_task(f"Task {i}", tags=("shop", "home")) for i in range(30)])
    delegate = TitleDelegate()
    view = view_of(qtbot, model, delegate)
    view.viewport().grab()  # every row on screen painted
    assert list(delegate._widths) == [("shop", "home")]
    first = delegate._widths[("shop", "home")]
    view.viewport().grab()
    assert delegate._widths[("shop", "home")] is first


def test_a_search_mark_shows_on_a_selected_row_too(qtbot) -> None:
    # Drawn in the selection colour, a mark vanished on the row the keys are on. Tagged, the
    # rows are painted by the delegate with or without the mark: the mark is the difference.
    model = TaskTableModel()
    model.set_rows([make_task("Renew passport", tags=("home",)), make_task("Pay rent", tags=("home",))])
    delegate = TitleDelegate()
    view = view_of(qtbot, model, delegate)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.selectRow(0)
    view.activateWindow()
    view.setFocus()
    plain = [title_cell(view, row) for row in (0, 1)]
    delegate.mark(("re",))
    assert title_cell(view, 0) != plain[0]  # selected
    assert title_cell(view, 1) != plain[1]  # not selected
