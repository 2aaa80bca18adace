"""The window's features beyond the task list, each owning its menu commands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from todo_desktop.ui.accounts.privacy import PrivacyFeatures
from todo_desktop.ui.backups.feature import BackupFeatures
from todo_desktop.ui.command_table import CommandId, CommandTable
from todo_desktop.ui.transfer.feature import TransferFeatures
from todo_desktop.ui.window_parts import WindowParts


@dataclass(frozen=True)
class WindowFeatures:
    transfer: TransferFeatures
    backups: BackupFeatures
    privacy: PrivacyFeatures

    def run(self) -> dict[CommandId, Callable[[], object]]:
        return {**self.transfer.run(), **self.backups.run(), **self.privacy.run()}

    def bind(self, table: CommandTable) -> None:
        """Hand each feature the actions it words itself (once the menus exist)."""
        self.privacy.bind_action(table[CommandId.DELETE_ACCOUNT])


def window_features(parts: WindowParts) -> WindowFeatures:
    return WindowFeatures(TransferFeatures(parts), BackupFeatures(parts), PrivacyFeatures(parts))
