"""The steps of a quit while an edit waits offline, for tests that drive the real app loop:
the list is shown, an edit is typed with the database cut off, it is queued in the outbox,
and reads then wait for the database (as after a while offline)."""

from __future__ import annotations

import time
from typing import Any

from tests.support.faultproxy import FaultProxy
from todo_desktop.ui.main_window import MainWindow

TITLE = "Written offline"


class OfflineSteps:
    def __init__(self, proxy: FaultProxy, db: Any, outbox: Any, long_retry: float) -> None:
        self._proxy, self._db, self._outbox, self._long_retry = proxy, db, outbox, long_retry
        self.marks: dict[str, float] = {}

    def loaded(self, window: MainWindow) -> bool:
        return window.area.showing_list()

    def offline_edit(self, window: MainWindow) -> bool:
        self._proxy.refuse()
        self._proxy.cut()
        window.activateWindow()
        window.area.quick_add.setText(TITLE)
        window.area.quick_add.returnPressed.emit()
        return True

    def queued(self, window: MainWindow) -> bool:
        if self._outbox.pending_count() != 1:
            return False
        self._db.retry_budget = self._long_retry
        window.refresh()  # reads that wait for the database, as after a while offline
        return True

    def long_write(self, window: MainWindow) -> bool:
        """Until a write has been waiting half a second."""
        if not window.workers.pending_writes:
            self.marks.pop("writing", None)
            return False
        return time.monotonic() - self.marks.setdefault("writing", time.monotonic()) > 0.5
