"""Keeps Python's full garbage collections out of the person's way.

With 100,000 tasks in the list, a full (generation 2) collection walks every row object:
50 to 60 ms on the GUI thread, three frames lost at a random keystroke. Rows hold no
reference cycles (they are freed by reference counting when a list is replaced), so once a
page of them is in the model they are moved out of the collector's sight (``gc.freeze``),
and later collections only walk what is new. Whatever became cyclic garbage among the
frozen objects is collected when the app goes to the background, where a pause is unseen.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication


class CollectorPacing(QObject):
    def __init__(self, model: QAbstractItemModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._freeze = QTimer(self)
        self._freeze.setSingleShot(True)
        self._freeze.setInterval(0)  # once per batch of pages, after the batch is in
        self._freeze.timeout.connect(gc.freeze)
        model.rowsInserted.connect(self._freeze.start)
        model.modelReset.connect(self._freeze.start)
        # And once the window is up: what start-up built (modules, widgets) stays for good.
        self._freeze.start()
        app = QCoreApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._state)

    def _state(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self.collect_all()

    @staticmethod
    def collect_all() -> None:
        """A full collection over everything, frozen objects included, then freeze again."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
