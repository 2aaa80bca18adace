"""Python's full garbage collections stay off the rows: with 100,000 tasks a full collection
that walks them all holds the GUI thread for 50 to 60 ms, so rows in the model are moved out
of the collector's sight, and everything is collected when the app goes to the background."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QCoreApplication

from tests.support.memory_tasks import make_task
from todo_desktop.ui.collector import CollectorPacing
from todo_desktop.ui.tasks.table_model import TaskTableModel


def _tracked_by_collector(obj: object) -> bool:
    """Whether a collection of any generation would walk ``obj`` (frozen objects are in none)."""
    return any(o is obj for generation in range(3) for o in gc.get_objects(generation))


def test_rows_in_the_model_are_out_of_the_collectors_sight(qapp):
    model = TaskTableModel()
    pacing = CollectorPacing(model)
    try:
        model.set_rows([make_task(f"first page {i}") for i in range(50)], has_more=True)
        model.append_rows([make_task(f"second page {i}") for i in range(50)])
        QCoreApplication.processEvents()  # the freeze runs once the batch is in
        assert gc.isenabled()
        for row in (0, 49, 50, 99):
            assert not _tracked_by_collector(model.task_at(row)), f"row {row} is still walked"
        # What is made afterwards is walked as usual.
        later = make_task("made after the freeze")
        assert _tracked_by_collector(later)
    finally:
        gc.unfreeze()
        pacing.deleteLater()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_cyclic_garbage_among_frozen_objects_is_collected_in_the_background(qapp):
    model = TaskTableModel()
    pacing = CollectorPacing(model)
    try:
        cycle = _Cycle()
        gone = weakref.ref(cycle)
        model.set_rows([make_task("a row")])
        QCoreApplication.processEvents()
        del cycle
        gc.collect()  # an ordinary full collection does not see frozen objects
        assert gone() is not None
        pacing.collect_all()  # what going to the background does
        assert gone() is None
    finally:
        gc.unfreeze()
        pacing.deleteLater()
