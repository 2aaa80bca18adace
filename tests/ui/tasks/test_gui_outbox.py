"""The window with an outbox: an edit made while the database is away stays on screen,
the status bar counts it, and it reaches the real database once it answers again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.support.gui_fakes import SwitchedTasks, open_outbox_window
from tests.support.outbox_helpers import state
from todo_desktop.ui.chrome.window_status import pending_text

pytestmark = pytest.mark.timeout(60)


def test_an_edit_made_while_down_is_counted_kept_and_sent_later(qtbot, tmp_path: Path, alice, alice_tasks):
    service = SwitchedTasks(alice_tasks)
    window, durable = open_outbox_window(qtbot, tmp_path, service, alice.account, retry_first_ms=200)
    qtbot.waitUntil(lambda: window.area.stack.currentWidget() is window.area.table)
    label = window.status.pending_label
    assert not label.isVisible()
    try:
        service.down.set()
        window.area.quick_add.setText("Written on a plane")
        qtbot.keyClick(window.area.quick_add, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: durable.pending_count() == 1, timeout=10_000)
        qtbot.waitUntil(label.isVisible, timeout=5_000)
        assert label.text() == pending_text(1) == "1 edit waiting"
        assert [t.title for t in window.tasks.model.tasks()] == ["Written on a plane"]  # not rolled back
        qtbot.waitUntil(window.area.banner.isVisible, timeout=10_000)

        service.down.clear()
        qtbot.waitUntil(lambda: durable.pending_count() == 0, timeout=15_000)
        qtbot.waitUntil(lambda: not label.isVisible(), timeout=5_000)
        qtbot.waitUntil(lambda: not window.area.banner.isVisible(), timeout=10_000)
        assert [row[0] for row in state(alice_tasks).values()] == ["Written on a plane"]
    finally:
        service.down.clear()
        window.close()
        window.workers.wait_for_all(10_000)
