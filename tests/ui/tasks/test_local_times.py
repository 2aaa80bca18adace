"""Due times show in the machine's zone, and a change of zone while the app runs shows at the
next clock tick (formatted times are cached, since every repaint asks for the same ones)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from tests.support.memory_tasks import make_task
from todo_desktop.ui.tasks.columns import Column
from todo_desktop.ui.tasks.table_model import TaskTableModel

DUE = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def zone() -> Iterator[None]:
    before = os.environ.get("TZ")
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def _set_zone(name: str) -> None:
    os.environ["TZ"] = name
    time.tzset()


def _due_text(model: TaskTableModel) -> str:
    return model.data(model.index(0, Column.DUE), Qt.ItemDataRole.DisplayRole)


def test_a_new_zone_shows_at_the_next_clock_tick(qapp, zone):
    _set_zone("Europe/Berlin")
    model = TaskTableModel()
    model.set_rows([make_task("Call the bank", due=DUE)])
    assert _due_text(model).endswith("14:00")  # summer time in Berlin: UTC+2
    _set_zone("America/New_York")
    model.refresh_clock()
    assert _due_text(model).endswith("08:00")  # UTC-4 in July
