"""Says "Waking the database…" while an operation waits for the database to answer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from todo_desktop.core.reachability import Reachability
from todo_desktop.ui.chrome.banner import Banner


class WakingNotice(QObject):
    """Shows the banner's waking line while ``reachability`` says some operation waits,
    and puts back what belongs there when the wait ends: nothing, or the outage line when
    ``outage()`` says the database was already found unreachable."""

    # Emitted from worker threads; Qt queues them to this object's (the GUI) thread.
    _changed = Signal()
    noted = Signal(str)  # what a long start-up step is doing, for the placeholder
    waking_shown = Signal(bool)  # the database is (True) or is no longer waking, for the status bar

    def __init__(
        self,
        reachability: Reachability,
        banner: Banner,
        outage: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.reachability = reachability
        self._banner = banner
        self._outage = outage
        self._changed.connect(self._update)
        self._stop_listening: Callable[[], None] | None = reachability.listen(
            lambda _waking: self._changed.emit()
        )
        self._stop_notes: Callable[[], None] | None = reachability.listen_notes(self.noted.emit)
        self._update()

    def stop(self) -> None:
        """Before the window goes: worker threads must not signal a deleted object."""
        if self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None
        if self._stop_notes is not None:
            self._stop_notes()
            self._stop_notes = None

    def _update(self) -> None:
        # The state is read here, on the GUI thread, so news that arrives late or twice
        # still ends with the truth.
        self.waking_shown.emit(self.reachability.waking)
        if self.reachability.waking:
            self._banner.show_waking()
        elif self._banner.waking:
            if self._outage():
                self._banner.show_unreachable()
            else:
                self._banner.hide()
