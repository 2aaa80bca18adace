"""The table model's row bookkeeping stays exact through inserts at the top (which shift
every row without renumbering), in the middle, and removals."""

from __future__ import annotations

import random

from tests.support.memory_tasks import make_task
from todo_desktop.ui.tasks.table_model import TaskTableModel


def _check(model: TaskTableModel) -> None:
    for row in range(model.rowCount()):
        task = model.task_at(row)
        assert model.row_of(task.id) == row


def test_rows_stay_exact_through_mixed_edits(qapp):
    model = TaskTableModel()
    model.set_rows([make_task(f"t{i}") for i in range(500)], has_more=True)
    rng = random.Random(3)
    for step in range(60):
        action = rng.choice(["top", "top", "middle", "end", "remove"])
        if action == "top":
            model.insert_rows(0, [make_task(f"new {step}.{k}") for k in range(rng.randint(1, 3))])
        elif action == "middle":
            model.insert_rows(rng.randrange(model.rowCount()), [make_task(f"mid {step}")])
        elif action == "end":
            model.append_rows([make_task(f"end {step}")], has_more=True)
        else:
            doomed = {model.task_at(rng.randrange(model.rowCount())).id for _ in range(2)}
            model.remove_ids(doomed)
        _check(model)
    model.insert_rows(0, [model.task_at(5)])  # already shown: not inserted twice
    _check(model)
