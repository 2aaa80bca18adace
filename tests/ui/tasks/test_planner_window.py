"""The planner in the whole window, against a real PostgreSQL database: the keys step over
section headers from task to task, Space completes the task under a header, and a completed
task that moved down comes back to its place with Ctrl+Z."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.gui_fakes import key, select_rows, settle, shown_titles
from todo_desktop.core.clock import LocalZone, end_of_day, utc_now
from todo_desktop.core.values import TaskDraft
from todo_desktop.ui.tasks.table_model import SECTION_ROLE

pytestmark = pytest.mark.gui


def seed(alice_tasks) -> None:
    now, zone = utc_now(), LocalZone()
    for title, due in (
        ("Pay the rent", now - timedelta(days=3)),
        ("Call mum", end_of_day(now, zone)),
        ("Book the dentist", end_of_day(now, zone, 1)),
        ("Someday", None),
    ):
        alice_tasks.create(TaskDraft(title=title, due_date=due))


def headers(window) -> dict[int, str]:
    model = window.tasks.model
    return {
        r: model.index(r, 0).data(SECTION_ROLE)
        for r in range(model.rowCount())
        if model.index(r, 0).data(SECTION_ROLE)
    }


def test_keys_step_over_headers_and_space_completes_the_task_below_one(qtbot, make_window, alice_tasks):
    seed(alice_tasks)
    window, _ = make_window()
    qtbot.waitUntil(lambda: window.tasks.model.rowCount() == 4)
    assert shown_titles(window) == ["Pay the rent", "Call mum", "Book the dentist", "Someday"]
    assert headers(window) == {0: "Overdue", 1: "Today", 2: "Tomorrow", 3: "No date"}
    table = window.area.table
    select_rows(window, [0])
    for expected in ("Call mum", "Book the dentist", "Someday"):
        key(qtbot, table, "J")
        assert window.commands.current_task().title == expected
    key(qtbot, table, "K")
    key(qtbot, table, "Space")
    settle(qtbot, window)
    stored = {
        t.title: t.completed
        for t in alice_tasks.list(window.tasks.query.__class__(status=window.tasks.query.status.ALL)).tasks
    }
    assert stored == {"Pay the rent": False, "Call mum": False, "Book the dentist": True, "Someday": False}


def test_a_completed_task_moves_down_and_ctrl_z_brings_it_back(qtbot, make_window, alice_tasks):
    seed(alice_tasks)
    window, _ = make_window()
    qtbot.waitUntil(lambda: window.tasks.model.rowCount() == 4)
    table = window.area.table
    select_rows(window, [1])
    key(qtbot, table, "Space")
    settle(qtbot, window)
    window.tasks.completed_rows.settle()  # the pause, without waiting for it
    assert shown_titles(window) == ["Pay the rent", "Book the dentist", "Someday", "Call mum"]
    assert headers(window)[3] == "Completed"
    # The keys go on from the task that took its place.
    assert window.commands.current_task().title == "Book the dentist"
    key(qtbot, table, "Ctrl+Z")
    settle(qtbot, window)
    assert shown_titles(window) == ["Pay the rent", "Call mum", "Book the dentist", "Someday"]
    assert not alice_tasks.get(window.tasks.model.task_at(1).id).completed


def test_a_task_just_added_is_headed_as_such_until_the_list_is_read_again(qtbot, make_window, alice_tasks):
    seed(alice_tasks)
    window, _ = make_window()
    qtbot.waitUntil(lambda: window.tasks.model.rowCount() == 4)
    field = window.area.quick_add
    field.setText("Renew the passport in 3 days")
    key(qtbot, field, "Return")
    settle(qtbot, window)
    # At the top, where the person looks: under a header of its own, not "This week" out of order.
    assert shown_titles(window)[0] == "Renew the passport"
    assert headers(window) == {0: "Just added", 1: "Overdue", 2: "Today", 3: "Tomorrow", 4: "No date"}
    field.setText("Water the plants")  # no date, on top of a task just added
    key(qtbot, field, "Return")
    settle(qtbot, window)
    assert headers(window) == {0: "Just added", 2: "Overdue", 3: "Today", 4: "Tomorrow", 5: "No date"}

    key(qtbot, window.area.table, "F5")  # read again: each in its place
    qtbot.waitUntil(lambda: shown_titles(window)[-1] == "Water the plants")
    assert shown_titles(window) == [
        "Pay the rent", "Call mum", "Book the dentist", "Renew the passport", "Someday", "Water the plants",
    ]  # fmt: skip
    assert headers(window) == {0: "Overdue", 1: "Today", 2: "Tomorrow", 3: "This week", 4: "No date"}
