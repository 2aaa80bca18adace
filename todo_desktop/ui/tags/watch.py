"""The tags of the open workspace with their open counts, read on a worker whenever the list
counts are (after edits settle, on the clock's tick, when the window regains focus)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.values import TagCount
from todo_desktop.ui.session import WorkspaceSession
from todo_desktop.ui.tags.port import tag_port
from todo_desktop.ui.workers import Workers

TAGS_VIEW = "tags"


class TagWatch(QObject):
    shown = Signal(object)  # list[TagCount], in the order the data layer gave

    def __init__(self, session: WorkspaceSession, workers: Workers, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._workers = workers
        self.tags: list[TagCount] = []
        session.closed.connect(self.clear)

    def refresh(self) -> None:
        workspace = self._session.workspace
        port = tag_port(workspace.tasks if workspace is not None else None)
        if port is None:
            self._show([])
            return
        self._workers.read(TAGS_VIEW, port.tags, self._show, lambda _failure: None, label="tags")

    def clear(self) -> None:
        """The workspace closed: its tags say nothing about the next one."""
        self._workers.drop_pending(TAGS_VIEW)
        self._show([])

    def _show(self, tags: list[TagCount]) -> None:
        self.tags = list(tags)
        self.shown.emit(self.tags)

    def names(self) -> list[str]:
        return [t.name for t in self.tags]

    def find(self, name: str) -> TagCount | None:
        key = tag_key(name)
        return next((t for t in self.tags if tag_key(t.name) == key), None)
