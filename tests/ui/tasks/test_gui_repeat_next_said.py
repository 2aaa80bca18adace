"""Completing a repeating task replaces its row's date with the next one: the status bar says
when that is ("“Water plants” is next due Mon 21 Dec 09:00."), or that the series has ended.
A task that does not repeat is completed without a word, as before."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from tests.support.gui_fakes import key, select_rows, settle, shown_titles
from tests.support.tag_windows import tag_window_maker
from todo_desktop.core.clock import LocalZone, utc_now
from todo_desktop.core.values import TaskDraft

pytestmark = pytest.mark.gui


@pytest.fixture(params=["database"])
def make_window(request, qtbot, tmp_path):
    with tag_window_maker(request, qtbot, tmp_path) as make:
        yield make


def monday_after_next() -> datetime:
    today = utc_now().astimezone(LocalZone()).date()
    next_monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return datetime.combine(next_monday + timedelta(days=7), time(9, 0), tzinfo=LocalZone())


def complete(qtbot, window, title: str) -> str:
    row = shown_titles(window).index(title)
    select_rows(window, [row])
    window.statusBar().clearMessage()
    key(qtbot, window.area.table, "Space")
    settle(qtbot, window)
    return window.statusBar().currentMessage()


def test_completing_a_repeating_task_says_when_it_is_next_due(qtbot, make_window) -> None:
    due = monday_after_next()
    until = (due + timedelta(days=1)).strftime("%Y%m%d")
    window, _service = make_window(
        [
            TaskDraft("Water plants", due_date=due, repeat="FREQ=WEEKLY;BYDAY=MO"),
            TaskDraft("Last class", due_date=due, repeat=f"FREQ=WEEKLY;BYDAY=MO;UNTIL={until}"),
            TaskDraft("Buy milk"),
        ]
    )
    said = complete(qtbot, window, "Water plants")
    following = due + timedelta(days=7)
    assert said.startswith("“Water plants” is next due ") and said.endswith(" 09:00.")
    assert str(following.day) in said  # the Monday a week later, by its date
    assert complete(qtbot, window, "Last class") == "“Last class” was the last of its series."
    assert complete(qtbot, window, "Buy milk") == ""
