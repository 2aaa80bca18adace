"""Backups of the local database in the window: File > Back Up Now and File > Restore…

Both run on the write worker, so they come after every edit made before them. A restore
replaces the database under the open workspace, so it goes:
1. confirmed by the person (the date, the count, and that the current database is kept);
2. refused at once if edits wait in the outbox for a database that does not answer;
3. the workspace closed (what is being typed is saved first, the undo history forgotten:
   its commands name tasks of the database being replaced);
4. the restore, queued behind the edits already made (the service sends waiting ones, or
   refuses), which gives back the database's connections and swaps it;
5. the workspace opened again, whatever the outcome, and the list and the dialog reloaded.

A shared database is backed up by its host, not by this app: both commands say so.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject

from todo_desktop.core.app_services import BackupEntry, BackupService
from todo_desktop.core.failures import Failure
from todo_desktop.core.profiles import LOCAL_ID
from todo_desktop.ui.backups.restore_dialog import (
    LOADING,
    Confirm,
    RestoreDialog,
    ask_restore,
    confirm_question,
    tasks_text,
    when,
)
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.window_parts import WindowParts

SHARED = (
    "This profile's database is shared, so its host backs it up (on Neon, restore it to "
    "any moment with point-in-time restore); Back Up Now and Restore are for this computer's database."
)
NOT_OPEN = "This computer's database is still opening; try again in a moment."
UNAVAILABLE = "Backups are not available in this version of the app."
BACKING_UP = "Backing up…"
ALREADY = "A backup or restore is under way already."


def waiting_text(count: int) -> str:
    edits = "1 edit is" if count == 1 else f"{count:,} edits are"
    return f"{edits} waiting for the database, so nothing was restored: restore once they are saved."


class BackupFeatures(QObject):
    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        # Replaceable, so tests (and other front ends) can answer without a box.
        self.confirm: Confirm = ask_restore
        self._dialog: RestoreDialog | None = None  # made when first asked for: start-up stays quick
        self._view = parts.workers.new_view("backups")
        self.running = False  # a backup or a restore is on its way

    def run(self) -> dict[CommandId, Callable[[], object]]:
        return {
            CommandId.BACK_UP: self.back_up_now,
            CommandId.RESTORE_BACKUP: self.open_restore,
        }

    @property
    def dialog(self) -> RestoreDialog:
        if self._dialog is None:
            self._dialog = RestoreDialog(self._parts.zone, self._parts.window)
            self._dialog.restore_requested.connect(self._restore_asked)
        return self._dialog

    def _service(self) -> BackupService | None:
        """The service, when this command can work now; otherwise it says why and gives None."""
        parts = self._parts
        workspace = parts.session.workspace
        if (workspace is not None and workspace.profile_id != LOCAL_ID) or not parts.switch.active().is_local:
            parts.say(SHARED)
            return None
        service = parts.services.backups
        if service is None:
            parts.say(UNAVAILABLE)
            return None
        if workspace is None:
            parts.say(NOT_OPEN)
            return None
        if self.running:
            parts.say(ALREADY)
            return None
        return service

    # Back Up Now ---------------------------------------------------------------------------

    def back_up_now(self) -> None:
        service = self._service()
        if service is None:
            return
        self.running = True
        self._parts.say(BACKING_UP)
        self._parts.workers.write(service.back_up_now, self._backed_up, self._failed, label="back up")

    def _backed_up(self, entry: BackupEntry) -> None:
        self.running = False
        local = entry.made_at.astimezone(self._parts.zone)
        self._parts.say(f"Backed up {tasks_text(entry.tasks)} at {local:%H:%M}.")
        if self._dialog is not None and self._dialog.isVisible():
            self._load(self._parts.services.backups)

    def _failed(self, message: Failure) -> None:
        self.running = False
        self._parts.say(str(message))

    # Restore -------------------------------------------------------------------------------

    def open_restore(self) -> None:
        service = self._service()
        if service is None:
            return
        self.dialog.open()
        self._load(service)

    def _load(self, service: BackupService | None, note: str = "") -> None:
        if service is None:
            return
        dialog = self.dialog
        if not dialog.restoring:
            dialog.show_busy(LOADING)
        self._parts.workers.read(
            self._view,
            service.backups,
            partial(dialog.show_entries, note=note),
            dialog.show_error,
            label="backups",
        )

    def _restore_asked(self, entry: BackupEntry) -> None:
        self.confirm(self.dialog, confirm_question(entry, self._parts.zone), partial(self.restore, entry))

    def restore(self, entry: BackupEntry) -> None:
        """Restore ``entry`` (confirmed already)."""
        service = self._service()
        if service is None:
            return
        workspace = self._parts.session.workspace
        outbox = workspace.outbox if workspace is not None else None
        if outbox is not None and outbox.pending_count() and outbox.offline:
            # The database does not take them now: the restore would only fail after closing.
            self._say_in_dialog(waiting_text(outbox.pending_count()))
            return
        self.running = True
        self.dialog.show_busy(
            f"Restoring the backup of {when(entry.made_at, self._parts.zone)}…", restoring=True
        )
        self._parts.switch.hold_closed()  # saves what is being typed; its write goes before the restore
        self._parts.workers.write(
            partial(service.restore, entry.key),
            partial(self._restored, entry),
            self._restore_failed,
            label="restore backup",
        )

    def _restored(self, entry: BackupEntry, before: BackupEntry) -> None:
        zone = self._parts.zone
        sentence = (
            f"Restored the backup of {when(entry.made_at, zone)} ({tasks_text(entry.tasks)}); the database "
            f"it replaced is kept as the backup of {when(before.made_at, zone)}."
        )
        self._finish(sentence)

    def _restore_failed(self, message: Failure) -> None:
        self._finish(str(message))

    def _finish(self, sentence: str) -> None:
        self.running = False
        self._parts.switch.release()  # the list loads as the workspace opens
        self._parts.say(sentence)
        self._load(self._parts.services.backups, sentence)
        self.dialog.restoring = False  # Esc closes again, even while the list reloads

    def _say_in_dialog(self, sentence: str) -> None:
        self._parts.say(sentence)
        if self._dialog is not None:
            self._dialog.status.setText(sentence)
