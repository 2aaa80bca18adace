"""What the GUI may ask of the data layer, as protocols of plain values.

The composition root passes in the concrete objects (``todo_desktop.db``); the GUI only
knows these shapes, so it can be tested with any implementation and never imports SQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Protocol

from todo_desktop.values import Account, ListCounts, Task, TaskChanges, TaskDraft, TaskPage, TaskQuery


class TaskService(Protocol):
    def create(self, draft: TaskDraft) -> Task: ...
    def get(self, task_id: uuid.UUID) -> Task: ...
    def update(self, task_id: uuid.UUID, changes: TaskChanges) -> Task: ...
    def toggle(self, task: Task) -> Task: ...
    def set_completed(self, task_ids: Iterable[uuid.UUID], completed: bool) -> list[Task]: ...
    def delete(self, task_ids: Iterable[uuid.UUID]) -> int: ...
    def restore(self, snapshot: Task) -> Task: ...
    def list(self, query: TaskQuery) -> TaskPage: ...
    def counts(self, now: datetime, zone: tzinfo) -> ListCounts: ...


@dataclass(frozen=True)
class Workspace:
    """A connected, signed-in place to keep tasks."""

    tasks: TaskService
    account: Account
    where: str  # "this computer" or the shared host, for the status bar
    warning: str | None = None  # e.g. a role that bypasses RLS


class WorkspaceOpener(Protocol):
    """Blocking; the GUI calls it on a worker thread. Raises TodoError with one sentence."""

    def __call__(self) -> Workspace: ...
