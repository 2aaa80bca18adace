"""Placeholder: replaced by the feature's own module."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.window_parts import WindowParts


class PrivacyFeatures(QObject):
    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts

    def run(self) -> dict[CommandId, Callable[[], object]]:
        return {
            CommandId.EXPORT_MY_DATA: self._not_yet,
            CommandId.DELETE_ACCOUNT: self._not_yet,
        }

    def _not_yet(self) -> None:
        self._parts.say("Not available yet.")
