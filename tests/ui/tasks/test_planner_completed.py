"""Completed tasks fade at once and move below the rest after a short pause; a run of ticks
moves together and none is lost; a task ticked and unticked within the pause never moves; a
task reopened after it moved (Ctrl+Z) goes back where it was; pages load above them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from tests.support.memory_tasks import make_task
from todo_desktop.core.values import Task
from todo_desktop.ui.tasks.completed_rows import CompletedRows
from todo_desktop.ui.tasks.table_model import SECTION_ROLE, TaskTableModel

pytestmark = pytest.mark.gui

DELAY_MS = 60


def setup(qapp, count: int = 5) -> tuple[TaskTableModel, CompletedRows, list[Task]]:
    model = TaskTableModel()
    rows = CompletedRows(model, delay_ms=DELAY_MS)
    tasks = [make_task(f"Task {n}") for n in range(count)]
    model.set_rows(tasks, has_more=True)
    return model, rows, tasks


def tick(model: TaskTableModel, task: Task, done: bool = True) -> None:
    model.replace_task(replace(model.task(task.id) or task, completed=done))


def order(model: TaskTableModel) -> list[str]:
    return [t.title for t in model.tasks()]


def test_a_completed_task_fades_at_once_and_moves_down_after_the_pause(qapp, qtbot):
    model, _, tasks = setup(qapp)
    tick(model, tasks[1])
    assert order(model)[1] == "Task 1"  # still in place: the person sees what they ticked
    faded = model.index(1, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert faded is not None and faded != model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole)
    qtbot.waitUntil(lambda: order(model)[-1] == "Task 1", timeout=2000)
    assert order(model) == ["Task 0", "Task 2", "Task 3", "Task 4", "Task 1"]


def test_a_run_of_ticks_moves_together_and_none_is_lost(qapp, qtbot):
    model, _, tasks = setup(qapp)
    for task in (tasks[3], tasks[0], tasks[2]):
        tick(model, task)
    qtbot.waitUntil(lambda: model.is_sunk(tasks[2].id), timeout=2000)
    assert sorted(order(model)[:2]) == ["Task 1", "Task 4"]
    assert sorted(order(model)[2:]) == ["Task 0", "Task 2", "Task 3"]
    assert model.rowCount() == 5


def test_ticked_and_unticked_within_the_pause_never_moves(qapp, qtbot):
    model, _rows, tasks = setup(qapp)
    tick(model, tasks[1])
    tick(model, tasks[1], done=False)
    qtbot.wait(DELAY_MS * 3)
    assert order(model) == [f"Task {n}" for n in range(5)]


def test_reopened_after_it_moved_it_goes_back_where_it_was(qapp, qtbot):
    model, rows, tasks = setup(qapp)
    tick(model, tasks[2])
    rows.settle()
    assert order(model)[-1] == "Task 2"
    tick(model, tasks[2], done=False)  # what Ctrl+Z does to the row
    assert order(model) == [f"Task {n}" for n in range(5)]
    assert not model.is_sunk(tasks[2].id)


def test_pages_load_above_the_completed_tasks(qapp, qtbot):
    model, rows, tasks = setup(qapp)
    tick(model, tasks[0])
    rows.settle()
    model.append_rows([make_task("Next page")])
    assert order(model)[-2:] == ["Next page", "Task 0"]


def test_in_a_planner_they_move_under_a_completed_header(qapp, qtbot):
    model, rows, tasks = setup(qapp)
    model.set_sections(True)
    tick(model, tasks[4])
    rows.settle()
    assert model.index(4, 0).data(SECTION_ROLE) == "Completed"


def test_not_in_a_list_of_completed_tasks(qapp, qtbot):
    model, rows, tasks = setup(qapp)
    rows.enabled = False
    tick(model, tasks[0])
    qtbot.wait(DELAY_MS * 3)
    assert order(model)[0] == "Task 0"
