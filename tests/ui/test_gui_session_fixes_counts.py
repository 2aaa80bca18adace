"""While edits wait in the outbox, the counts beside the lists agree with the rows on
screen; once the edits are sent, the counts are the database's again.

A real database behind a switch that makes it unreachable, a real outbox file, real widgets."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.gui_fakes import SwitchedTasks, key, open_outbox_window, select_rows
from todo_desktop.core.clock import utc_now
from todo_desktop.core.values import Priority, SmartList, TaskDraft
from todo_desktop.sync.edit_versions import lists_of
from todo_desktop.ui.lists.sidebar import LIST_ORDER
from todo_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]


def test_a_task_is_counted_in_the_lists_the_database_counts_it_in(alice_tasks):
    """The counts laid over the database's must follow its rules, day boundaries included."""
    rng = random.Random(7)
    zone = ZoneInfo("America/New_York")
    now = utc_now()
    tasks = [
        alice_tasks.create(
            TaskDraft(
                title=f"Task {i}",
                priority=rng.choice(list(Priority)),
                completed=rng.random() < 0.2,
                due_date=None if rng.random() < 0.2 else now + timedelta(hours=rng.uniform(-72, 240)),
            )
        )
        for i in range(60)
    ]
    mine = Counter(smart_list for task in tasks for smart_list in lists_of(task, now, zone))
    theirs = alice_tasks.counts(now, zone).counts
    assert {smart_list: mine[smart_list] for smart_list in LIST_ORDER} == theirs


def _shown_counts(window: MainWindow) -> dict[SmartList, str]:
    return {smart_list: window.sidebar.count_text(smart_list) for smart_list in LIST_ORDER}


def _database_counts(window: MainWindow, service) -> dict[SmartList, str]:
    counts = service.counts(utc_now(), window.navigator.zone)
    return {smart_list: f"{counts.counts[smart_list]:,}" for smart_list in LIST_ORDER}


def test_counts_follow_the_rows_while_edits_wait_and_are_the_databases_once_sent(
    qtbot, tmp_path: Path, alice, alice_tasks
):
    for title in ("Task 0", "Task 1", "Task 2"):
        alice_tasks.create(TaskDraft(title=title))
    service = SwitchedTasks(alice_tasks)
    window, durable = open_outbox_window(qtbot, tmp_path, service, alice.account, retry_first_ms=200)
    qtbot.waitUntil(lambda: window.sidebar.count_text(SmartList.INBOX) == "3")
    try:
        service.down.set()
        key(qtbot, window, "Ctrl+N")
        qtbot.keyClicks(window.area.quick_add, "Written offline")
        key(qtbot, window.area.quick_add, "Return")
        qtbot.waitUntil(lambda: durable.pending_count() == 1, timeout=10_000)
        assert window.tasks.model.rowCount() == 4
        qtbot.waitUntil(lambda: window.sidebar.count_text(SmartList.INBOX) == "4", timeout=3_000)
        assert window.status.list_label.toolTip() == "Inbox: 4"
        assert window.sidebar.count_text(SmartList.PRIORITY_MEDIUM) == "4"

        done = next(t for t in window.tasks.model.tasks() if t.title == "Task 0")
        select_rows(window, [window.tasks.model.row_of(done.id)])
        key(qtbot, window.area.table, "Space")
        qtbot.waitUntil(lambda: durable.pending_count() == 2, timeout=10_000)
        qtbot.waitUntil(lambda: window.sidebar.count_text(SmartList.COMPLETED) == "1", timeout=3_000)
        assert window.sidebar.count_text(SmartList.INBOX) == "3"
        assert window.sidebar.count_text(SmartList.PRIORITY_MEDIUM) == "3"
        assert window.status.list_label.toolTip() == "Inbox: 3"

        service.down.clear()
        qtbot.waitUntil(lambda: durable.pending_count() == 0, timeout=15_000)
        # Changed on the database alone: only its own counts can show this.
        alice_tasks.create(TaskDraft(title="Made elsewhere"))
        window.navigator.refresh_counts()
        qtbot.waitUntil(lambda: window.sidebar.count_text(SmartList.INBOX) == "4", timeout=5_000)
        assert _shown_counts(window) == _database_counts(window, alice_tasks)
        assert _shown_counts(window)[SmartList.COMPLETED] == "1"
    finally:
        service.down.clear()
        window.close()
        window.workers.wait_for_all(10_000)
