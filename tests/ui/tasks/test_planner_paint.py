"""The planner list remembers what it measured to paint faster (titles fitted to their room,
fonts, strip titles), and never shows a stale measure: a cell painted again after a resize,
a new title or a new font looks exactly as one painted for the first time; and a section's
title, drawn only in the cells it reaches, reads whole however narrow the first columns are."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QApplication, QTableView

from tests.support.memory_tasks import make_task
from todo_desktop.core.values import Priority, Task
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.planner_view import dress_table
from todo_desktop.ui.tasks.section_rows import RowDelegate
from todo_desktop.ui.tasks.table_model import TaskTableModel
from todo_desktop.ui.tasks.title_delegate import TitleDelegate

pytestmark = pytest.mark.gui

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LONG = "Book the flights and the hotel for the conference in Lisbon before prices go up"


def rich_tasks() -> list[Task]:
    return [
        make_task(LONG, tags=("travel", "work"), description="Compare fares", due=NOW - timedelta(days=2)),
        make_task(
            "Gym", repeat="FREQ=WEEKLY;BYDAY=MO", priority=Priority.URGENT, due=NOW + timedelta(hours=3)
        ),
        make_task(LONG + " again", tags=("home",), completed=True, due=NOW + timedelta(days=1)),
        make_task("Call mum", description="About Sunday", due=NOW + timedelta(days=1, hours=2)),
        make_task("Someday", tags=("ideas",)),
    ]


def planner(qtbot, tasks: list[Task], title_width: int) -> QTableView:
    model = TaskTableModel(clock=lambda: NOW, zone=UTC)
    model.set_sections(True)
    view = QTableView()
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no current cell framed in one shot and not another
    qtbot.addWidget(view)
    view.setModel(model)
    view.verticalHeader().setSectionResizeMode(view.verticalHeader().ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(24)
    view.setItemDelegateForColumn(Column.TITLE, TitleDelegate(view))
    dress_table(view, model)
    model.set_rows(tasks)
    view.setColumnWidth(Column.TITLE, title_width)
    for column in (Column.UPDATED, Column.CREATED):
        view.setColumnHidden(column, True)
    view.resize(800, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def shot(qtbot, view: QTableView) -> QImage:
    """The viewport as drawn while ``view`` is the active window (a view in another state
    draws its selection and text in the inactive colours)."""
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    QApplication.processEvents()  # the scroll bars and row heights settle first
    return view.viewport().grab().toImage()


def cold(qtbot, tasks: list[Task], title_width: int, font: QFont | None = None) -> QImage:
    """The list as a new view paints it, with nothing measured before."""
    view = planner(qtbot, tasks, title_width)
    if font is not None:
        view.setFont(font)
    image = shot(qtbot, view)
    view.close()
    return image


def test_a_cell_painted_again_looks_as_one_painted_first(qtbot) -> None:
    warm = planner(qtbot, rich_tasks(), 300)
    shot(qtbot, warm)  # measured and remembered at this width
    for width in (120, 300, 180):
        expected = cold(qtbot, rich_tasks(), width)
        warm.setColumnWidth(Column.TITLE, width)  # the title's room: elided anew, or not
        assert shot(qtbot, warm) == expected, width


def test_a_new_title_or_font_is_measured_afresh(qtbot) -> None:
    warm = planner(qtbot, rich_tasks(), 300)
    shot(qtbot, warm)
    renamed = [*rich_tasks()[:3], replace(rich_tasks()[3], title=LONG + " too"), rich_tasks()[4]]
    bigger = QFont(warm.font())
    bigger.setPointSizeF(bigger.pointSizeF() * 1.5)
    expected = cold(qtbot, renamed, 300, bigger)
    model = warm.model()
    assert isinstance(model, TaskTableModel)
    model.replace_task(replace(model.task_at(3), title=LONG + " too"))
    warm.setFont(bigger)
    assert shot(qtbot, warm) == expected


def test_a_section_title_reads_whole_across_narrow_columns(qtbot, monkeypatch) -> None:
    view = planner(qtbot, rich_tasks(), 300)
    view.setColumnWidth(Column.DONE, 8)  # "Overdue" now runs on into the title's column
    view.setColumnWidth(Column.TITLE, 12)
    painted = shot(qtbot, view)
    # The same strips with the title drawn in every cell of the row, reached or not.
    monkeypatch.setattr(RowDelegate, "_strip_width", lambda _self, _title: 1 << 20)
    view.viewport().update()
    assert shot(qtbot, view) == painted
