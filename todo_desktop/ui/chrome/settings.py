"""Window geometry, splitter sizes and column widths, remembered between runs (QSettings).

The QSettings object is handed in by the composition root (or a test), so nothing here
decides where the file lives.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from todo_desktop import APP_NAME

GEOMETRY = "window/geometry"
SPLITTER = "window/splitter"
COLUMNS = "table/columns"
ORGANIZATION = "Todo Desktop"


def open_settings(path: Path | None = None) -> QSettings:
    """An INI file at ``path``, or the platform's usual place for this app's settings."""
    if path is not None:
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APP_NAME)


def _bytes(value: object) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None


class WindowSettings:
    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def restore(self, window: QMainWindow, splitter: QSplitter, columns: QHeaderView) -> None:
        # A stale or damaged value is ignored by Qt's restore functions; defaults stay.
        geometry = _bytes(self.settings.value(GEOMETRY))
        if geometry is not None:
            window.restoreGeometry(geometry)
        sizes = _bytes(self.settings.value(SPLITTER))
        if sizes is not None:
            splitter.restoreState(sizes)
        widths = _bytes(self.settings.value(COLUMNS))
        if widths is not None:
            columns.restoreState(widths)

    def save(self, window: QMainWindow, splitter: QSplitter, columns: QHeaderView) -> None:
        self.settings.setValue(GEOMETRY, window.saveGeometry())
        self.settings.setValue(SPLITTER, splitter.saveState())
        self.settings.setValue(COLUMNS, columns.saveState())
        self.settings.sync()
