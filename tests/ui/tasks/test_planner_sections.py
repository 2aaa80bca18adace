"""Section headers in a date-ordered list: painted in a strip above the first task of each
section, never rows of their own, so the keys, the selection and a click on a checkbox all
land on tasks; and kept right as pages load, rows come and go and midnight passes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionViewItem, QTableView

from tests.support.memory_tasks import make_task
from todo_desktop.core.values import Task
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.planner_view import dress_table
from todo_desktop.ui.tasks.section_rows import SectionRows
from todo_desktop.ui.tasks.table_model import SECTION_ROLE, TaskTableModel
from todo_desktop.ui.tasks.title_delegate import TitleDelegate

pytestmark = pytest.mark.gui

ZONE = ZoneInfo("Asia/Tokyo")
START = datetime(2026, 11, 25, 10, 0, tzinfo=ZONE)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now


def at(days: int, hour: int = 12) -> datetime:
    day = START.date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC)


def planner_tasks() -> list[Task]:
    return [
        make_task("Overdue", due=at(-2)),
        make_task("Today", due=at(0, 9)),
        make_task("Today too", due=at(0, 18)),
        make_task("Tomorrow", due=at(1)),
        make_task("Next month", due=at(30)),
        make_task("Someday"),
    ]


def planner(
    qtbot, tasks: list[Task], clock: Clock | None = None
) -> tuple[QTableView, TaskTableModel, SectionRows]:
    model = TaskTableModel(clock=clock or Clock(START), zone=ZONE)
    model.set_sections(True)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
    view.verticalHeader().setSectionResizeMode(view.verticalHeader().ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(24)
    view.setItemDelegateForColumn(Column.TITLE, TitleDelegate(view))
    rows = dress_table(view, model)
    model.set_rows(tasks)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    return view, model, rows


def tall_rows(view: QTableView) -> list[int]:
    header = view.verticalHeader()
    return [
        row for row in range(view.model().rowCount()) if header.sectionSize(row) > header.defaultSectionSize()
    ]


def titles(model: TaskTableModel) -> dict[int, str]:
    return {
        r: model.index(r, 0).data(SECTION_ROLE)
        for r in range(model.rowCount())
        if model.index(r, 0).data(SECTION_ROLE)
    }


def test_each_section_begins_with_a_header_strip_not_a_row(qtbot):
    view, model, _ = planner(qtbot, planner_tasks())
    assert model.rowCount() == 6  # every row is a task
    assert titles(model) == {0: "Overdue", 1: "Today", 3: "Tomorrow", 4: "Later", 5: "No date"}
    assert tall_rows(view) == [0, 1, 3, 4, 5]
    # The header says where the row begins, in words too.
    tip = model.index(3, Column.TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("First in Tomorrow")


def test_the_keys_move_from_task_to_task_across_headers(qtbot):
    view, model, _ = planner(qtbot, planner_tasks())
    view.setFocus()
    view.setCurrentIndex(model.index(0, Column.TITLE))
    seen = [view.currentIndex().row()]
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Down)
        seen.append(view.currentIndex().row())
    assert seen == [0, 1, 2, 3, 4, 5]
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert view.currentIndex().row() == 0
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.currentIndex().row() == 5
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    selected = sorted(i.row() for i in view.selectionModel().selectedRows())
    assert [model.task_at(r).title for r in selected] == ["Overdue", "Today", "Today too"]


def _checkbox_centre(view: QTableView, row: int, strip: int) -> QPoint:
    rect = view.visualRect(view.model().index(row, Column.DONE))
    option = QStyleOptionViewItem()
    option.initFrom(view.viewport())
    option.rect = rect.adjusted(0, strip, 0, 0)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
    return box.center()


def test_a_click_on_a_checkbox_below_a_header_completes_that_task(qtbot):
    view, model, _ = planner(qtbot, planner_tasks())
    header = view.verticalHeader()
    strip = header.sectionSize(3) - header.defaultSectionSize()
    with qtbot.waitSignal(model.completion_requested) as asked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_checkbox_centre(view, 3, strip))
    assert asked.args == [[model.task_at(3).id], True]


def test_the_header_is_painted_in_its_strip(qtbot):
    view, model, _ = planner(qtbot, planner_tasks())
    header = view.verticalHeader()
    strip = header.sectionSize(1) - header.defaultSectionSize()
    rect = view.visualRect(model.index(1, Column.DONE)).united(view.visualRect(model.index(1, Column.TITLE)))
    rect.setHeight(strip)
    image = view.viewport().grab(rect).toImage()
    base = view.palette().color(QPalette.ColorRole.Base).rgb()
    inked = sum(
        1 for x in range(image.width()) for y in range(image.height() - 2) if image.pixel(x, y) != base
    )
    assert inked > 20  # the word "Today"


def test_pages_continue_the_sections_they_join(qtbot):
    first = planner_tasks()[:3]
    view, model, _ = planner(qtbot, first)
    assert titles(model) == {0: "Overdue", 1: "Today"}
    model.append_rows([make_task("Today, late", due=at(0, 23))], has_more=True)
    assert titles(model) == {0: "Overdue", 1: "Today"}  # the same section goes on
    model.append_rows([make_task("Tomorrow", due=at(1))])
    assert titles(model) == {0: "Overdue", 1: "Today", 4: "Tomorrow"}
    assert tall_rows(view) == [0, 1, 4]


def test_headers_follow_rows_added_and_removed(qtbot):
    tasks = planner_tasks()
    view, model, _ = planner(qtbot, tasks)
    model.insert_rows(0, [make_task("New, tomorrow", due=at(1))])  # where the person looks
    assert titles(model) == {0: "Tomorrow", 1: "Overdue", 2: "Today", 4: "Tomorrow", 5: "Later", 6: "No date"}
    assert tall_rows(view) == [0, 1, 2, 4, 5, 6]
    model.remove_ids([tasks[1].id, tasks[2].id])  # all of Today
    assert titles(model) == {0: "Tomorrow", 1: "Overdue", 2: "Tomorrow", 3: "Later", 4: "No date"}
    assert tall_rows(view) == [0, 1, 2, 3, 4]


def test_a_changed_due_date_moves_the_header(qtbot):
    tasks = planner_tasks()
    view, model, _ = planner(qtbot, tasks)
    model.replace_task(replace(tasks[2], due_date=at(1, 8)))
    assert titles(model) == {0: "Overdue", 1: "Today", 2: "Tomorrow", 4: "Later", 5: "No date"}
    assert tall_rows(view) == [0, 1, 2, 4, 5]


def test_midnight_moves_tomorrow_under_today(qtbot):
    clock = Clock(START.replace(hour=23, minute=59))
    view, model, _ = planner(qtbot, planner_tasks()[1:4], clock)
    assert titles(model) == {0: "Today", 2: "Tomorrow"}
    clock.now = at(1, 0) + timedelta(minutes=1)
    model.refresh_clock()
    assert titles(model) == {0: "Overdue", 2: "Today"}
    assert tall_rows(view) == [0, 2]


def test_a_list_read_anew_keeps_no_header_height_of_the_list_before(qtbot):
    # A search narrows the list to one task: Qt keeps a row's height through a model reset,
    # so the row that had a header would stay tall, its title pushed to the bottom.
    view, model, _ = planner(qtbot, planner_tasks())
    assert tall_rows(view) == [0, 1, 3, 4, 5]
    model.set_rows([make_task("Renew passport", due=at(30))])
    assert titles(model) == {}
    assert tall_rows(view) == []
    model.set_rows(planner_tasks()[1:4])
    assert tall_rows(view) == [0, 2]
    model.set_rows(planner_tasks()[1:3])  # one section: no header, no tall row
    assert tall_rows(view) == []


def test_lists_not_ordered_by_date_have_no_headers(qtbot):
    view, model, _ = planner(qtbot, planner_tasks())
    model.set_sections(False)
    assert titles(model) == {}
    assert tall_rows(view) == []


def test_the_model_passes_qt_model_tester_with_sections(qtmodeltester):
    model = TaskTableModel(clock=Clock(START), zone=ZONE)
    model.set_sections(True)
    model.set_rows(planner_tasks())
    qtmodeltester.check(model, force_py=True)


def test_a_title_edited_below_a_header_opens_below_the_strip(qtbot):
    view, model, _ = planner(qtbot, planner_tasks())
    header = view.verticalHeader()
    strip = header.sectionSize(3) - header.defaultSectionSize()
    cell = model.index(3, Column.TITLE)
    view.edit(cell)
    qtbot.waitUntil(lambda: view.state() == QTableView.State.EditingState)
    editor = view.viewport().findChildren(QLineEdit)[0]
    assert editor.geometry().top() >= view.visualRect(cell).top() + strip - 1


def test_a_row_below_a_header_keeps_its_chips(qtbot):
    plain = make_task("Today", due=at(0, 9))
    view, model, _ = planner(qtbot, [make_task("Overdue", due=at(-2)), plain])
    view.setColumnWidth(Column.TITLE, 400)
    before = view.viewport().grab(view.visualRect(model.index(1, Column.TITLE))).toImage()
    model.replace_task(replace(plain, tags=("errands",)))
    assert model.index(1, 0).data(SECTION_ROLE) == "Today"
    after = view.viewport().grab(view.visualRect(model.index(1, Column.TITLE))).toImage()
    assert before != after  # the chip is drawn in a header row too
