"""When the database stops answering and when it answers again.

A job that cannot reach the database raises the banner and schedules a retry; the first
job to succeed afterwards lowers it, says so, and reloads. A success that only put an edit
into the outbox does not count: the database is still away.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from todo_desktop.core.reachability import Reachability
from todo_desktop.ui.chrome.banner import Banner, RetryTimer
from todo_desktop.ui.chrome.window_status import OutboxWatch
from todo_desktop.ui.workers import Workers

CONNECTED_AGAIN = "Connected again."


class OutageWatch(QObject):
    probe = Signal()  # time for one cheap read: its success ends the outage
    back = Signal()  # the database answers again: reload what is shown
    message = Signal(str)

    def __init__(
        self,
        workers: Workers,
        banner: Banner,
        retry: RetryTimer,
        reachability: Reachability,
        outbox_watch: OutboxWatch,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._banner = banner
        self._retry = retry
        self._reachability = reachability
        self._outbox_watch = outbox_watch
        workers.unavailable.connect(self._unavailable)
        workers.reachable.connect(self._reachable)
        retry.attempt.connect(self.probe)
        banner.retry_now.connect(self.probe)

    def away(self) -> Callable[[], bool]:
        """Whether the window shows the database as unreachable, for those who must know."""
        return lambda: self._banner.isVisible() or self._reachability.unreachable

    def _unavailable(self, _message: str) -> None:
        if not self._reachability.waking:  # another operation is still trying
            self._banner.show_unreachable()
        self._retry.schedule()

    def _reachable(self) -> None:
        if self._outbox_watch.offline():
            return  # only an edit kept in the outbox "succeeded"; the database is still away
        self._outbox_watch.tick()
        banner = self._banner
        if self._retry.waiting or (banner.isVisible() and not banner.waking):
            if not banner.waking:  # another operation may still be waiting
                banner.hide()
            self._retry.reset()
            self.message.emit(CONNECTED_AGAIN)
            self.back.emit()
