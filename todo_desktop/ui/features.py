"""The window's features beyond the task list, each owning its menu commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from todo_desktop.ui.accounts.privacy import PrivacyFeatures
from todo_desktop.ui.backups.feature import BackupFeatures
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.transfer.feature import TransferFeatures
from todo_desktop.ui.window_parts import WindowParts


class Feature(Protocol):
    def run(self) -> dict[CommandId, Callable[[], object]]: ...


def window_features(parts: WindowParts) -> tuple[Feature, ...]:
    return (TransferFeatures(parts), BackupFeatures(parts), PrivacyFeatures(parts))
