"""Services of the app beyond the task list, as the window sees them: backups of the local
database, and a person's rights over their own data (take it all, delete it all).

The composition root builds them; the GUI receives them through ``AppServices`` and calls
them on a worker thread. Each raises ``TodoError`` with one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class BackupEntry:
    """One backup of the local database, as the Restore list shows it."""

    key: str  # opaque: names the backup to `restore`
    made_at: datetime
    kind: str  # "daily", "weekly", "manual" or "before restore"
    tasks: int | None  # tasks it holds, when its counts were recorded
    size: int  # bytes on disk


class BackupService(Protocol):
    """Backups of this computer's database (the Local profile only)."""

    def backups(self) -> list[BackupEntry]: ...  # newest first
    def back_up_now(self) -> BackupEntry: ...
    def restore(self, key: str) -> BackupEntry: ...  # the backup kept of the database it replaced


class PrivacyService(Protocol):
    """A person's data, all of it: to take away, or to delete."""

    def export_my_data(self, profile_id: str) -> dict[str, object]: ...  # ready for json.dumps
    def delete_account(self, profile_id: str, password: str) -> None: ...
    def erase_local_data(self) -> None: ...  # the Local profile: this computer's database, gone


@dataclass(frozen=True, slots=True)
class AppServices:
    backups: BackupService | None = None
    privacy: PrivacyService | None = None
