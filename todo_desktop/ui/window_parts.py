"""The parts of the main window a feature may use, handed over as one value so the window
does not pass itself around."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo

from PySide6.QtWidgets import QWidget

from todo_desktop.core.app_services import AppServices
from todo_desktop.core.ports import ProfileGateway
from todo_desktop.ui.accounts.workspace_switch import WorkspaceSwitch
from todo_desktop.ui.session import WorkspaceSession
from todo_desktop.ui.workers import Workers


@dataclass(frozen=True)
class WindowParts:
    window: QWidget  # the parent of dialogs
    session: WorkspaceSession
    switch: WorkspaceSwitch
    workers: Workers
    profiles: ProfileGateway | None
    services: AppServices
    zone: tzinfo
    say: Callable[[str], None]  # one sentence in the status bar
    reload: Callable[[], None]  # read the list and its counts again
    day_first: bool  # how the window reads 5/6, from the locale (the navigator's)
