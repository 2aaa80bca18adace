"""The "database cannot be reached" banner, and the backoff timer that keeps trying."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

UNREACHABLE = "The database cannot be reached; retrying…"
# A suspended Neon compute wakes in a few seconds; a restarting server looks the same.
WAKING = "Waking the database…"
RETRY_FIRST_MS = 1_000
RETRY_MAX_MS = 30_000


class Banner(QFrame):
    retry_now = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Connection problem")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Amber with dark text: readable on light and dark palettes alike.
        self.setStyleSheet("Banner { background: #ffd666; } QLabel { color: #3b2a00; }")
        self.label = QLabel(UNREACHABLE, self)
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Connection status")
        self.button = QPushButton("Retry &now", self)
        self.button.setAccessibleName("Retry now")
        self.button.clicked.connect(self.retry_now)
        # Hidden while waking, yet still taking its room: the banner keeps one height, so
        # the list below never moves when the line changes.
        policy = self.button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.button.setSizePolicy(policy)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    @property
    def text(self) -> str:
        return self.label.text()

    @property
    def waking(self) -> bool:
        return self.isVisible() and self.text == WAKING

    def show_unreachable(self) -> None:
        self.label.setText(UNREACHABLE)
        self.button.show()
        self.show()

    def show_waking(self) -> None:
        """Nothing to press meanwhile: the data layer is already trying again."""
        self.label.setText(WAKING)
        self.button.hide()
        self.show()


class RetryTimer(QObject):
    """Fires ``attempt`` after growing pauses (doubling up to a ceiling) until reset."""

    attempt = Signal()

    def __init__(
        self, first_ms: int = RETRY_FIRST_MS, max_ms: int = RETRY_MAX_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._first_ms = first_ms
        self._max_ms = max_ms
        self._next_ms = first_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.attempt)

    @property
    def waiting(self) -> bool:
        return self._timer.isActive()

    @property
    def next_ms(self) -> int:
        return self._next_ms

    def schedule(self) -> None:
        """Try again after the next pause; already waiting means nothing more to do."""
        if self._timer.isActive():
            return
        self._timer.start(self._next_ms)
        self._next_ms = min(self._next_ms * 2, self._max_ms)

    def reset(self) -> None:
        self._timer.stop()
        self._next_ms = self._first_ms
