"""The workspace the window shows, as one object with signals.

Everything that depends on the open workspace (the list, the counts, the status bar, the
commands that edit) subscribes here instead of reading it off the main window, so each can
be built and tested on its own.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from todo_desktop.core.ports import Workspace

SIGNING_OUT = "Signing out…"
READ_ONLY = "This database opens read-only; changes cannot be saved."
READ_ONLY_HINT = "Read-only: changes cannot be saved"


def refusal_hint(refusal: str, default: str) -> str:
    """The quick-add field's hint while edits are refused: why nothing can be added now."""
    return {SIGNING_OUT: SIGNING_OUT}.get(refusal, READ_ONLY_HINT) if refusal else default


class WorkspaceSession(QObject):
    opened = Signal(object)  # the Workspace now shown
    closed = Signal()  # no workspace is shown (writes already queued still finish on the old one)
    # None: edits are allowed; otherwise the one sentence every edit gets instead
    # (the schema opens read-only, or the session is being signed out of).
    editable_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._refusal: str | None = None

    @property
    def workspace(self) -> Workspace | None:
        return self._workspace

    @property
    def refusal(self) -> str | None:
        return self._refusal

    def open(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self.opened.emit(workspace)

    def close(self) -> None:
        self._workspace = None
        self.closed.emit()

    def set_refusal(self, refusal: str | None) -> None:
        self._refusal = refusal
        self.editable_changed.emit(refusal)
