"""Account > Export All My Data, and Delete My Account (for the Local profile: Erase This
Computer's Data). The work runs on workers; the window hears one sentence.

The export is written whole or not at all (``write_atomically``), readable by this user only:
it holds everything the person keeps. Deleting and erasing are writes, so they wait for the
edits already made, in order, and nothing new is queued behind them on the old workspace.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

from todo_desktop.core.app_services import PrivacyService
from todo_desktop.core.errors import TodoError
from todo_desktop.core.profiles import LOCAL_ID
from todo_desktop.machine.atomic_file import write_atomically
from todo_desktop.ui.accounts.delete_account_dialog import DeleteAccountDialog, ask_erase_local
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.window_parts import WindowParts

ACCOUNT_COMMAND = "&Delete My Account…"  # the command table's own text for DELETE_ACCOUNT
LOCAL_COMMAND = "&Erase This Computer's Data…"
NOTHING_OPEN = "Open a workspace first."
NOT_HERE = "This is not available here."
EXPORTING = "Exporting your data…"
EXPORTED = "Exported your account and {tasks} to {name}."
ERASING = "Erasing this computer's data…"
ERASED = "This computer's data was erased; starting afresh."
DELETED = "Your account {email} was deleted, with everything in it."


def _tasks(count: int) -> str:
    return "1 task" if count == 1 else f"{count:,} tasks"


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Export All My Data", str(Path.home() / suggested), "JSON files (*.json)"
    )
    return Path(chosen) if chosen else None


def write_export(privacy: PrivacyService, profile_id: str, path: Path) -> tuple[str, int]:
    """On a worker: everything, as one JSON file, mode 0600. Returns its name and task count."""
    data = privacy.export_my_data(profile_id)
    # Compact: the C encoder writes 100,000 tasks in a blink; the indenting one does not.
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        write_atomically(path, body)
    except OSError as exc:
        raise TodoError(f"Could not write {path.name}: {exc.strerror or exc}.") from exc
    tasks = data.get("tasks")
    return path.name, len(tasks) if isinstance(tasks, list) else 0


class PrivacyFeatures(QObject):
    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        self._view = parts.workers.new_view("export")
        # Replaceable so tests (and other front ends) can answer without a modal box.
        self.ask_save_path: Callable[[QWidget, str], Path | None] = ask_save_path
        self.confirm_erase: Callable[[QWidget], bool] = ask_erase_local
        self.delete_dialog: DeleteAccountDialog | None = None
        self._action: QAction | None = None
        parts.switch.changed.connect(self._follow_workspace)

    def run(self) -> dict[CommandId, Callable[[], object]]:
        return {
            CommandId.EXPORT_MY_DATA: self.export,
            CommandId.DELETE_ACCOUNT: self.delete_or_erase,
        }

    # The command's name follows the workspace ----------------------------------------------

    def bind_action(self, action: QAction) -> None:
        """The window's DELETE_ACCOUNT action, whose text this keeps up to date."""
        self._action = action
        self._follow_workspace()

    def _delete_action(self) -> QAction | None:
        if self._action is None:
            # Until the window hands it over (``bind_action``): found by the texts it can have.
            names = (ACCOUNT_COMMAND, LOCAL_COMMAND)
            self._action = next((a for a in self._parts.window.actions() if a.text() in names), None)
        return self._action

    def is_local(self) -> bool:
        switch = self._parts.switch
        return (switch.current_id or switch.active().id) == LOCAL_ID

    def _follow_workspace(self) -> None:
        action = self._delete_action()
        if action is not None:
            action.setText(LOCAL_COMMAND if self.is_local() else ACCOUNT_COMMAND)

    # Export -------------------------------------------------------------------------------------

    def export(self) -> None:
        privacy, workspace = self._parts.services.privacy, self._parts.session.workspace
        if privacy is None or workspace is None:
            self._parts.say(NOT_HERE if privacy is None else NOTHING_OPEN)
            return
        path = self.ask_save_path(self._parts.window, f"todo-export-{date.today().isoformat()}.json")
        if path is None:
            return
        self._parts.say(EXPORTING)
        job = partial(write_export, privacy, workspace.profile_id, path)
        self._parts.workers.read(self._view, job, self._exported, self._parts.say, label="export my data")

    def _exported(self, outcome: tuple[str, int]) -> None:
        name, count = outcome
        self._parts.say(EXPORTED.format(tasks=_tasks(count), name=name))

    # Delete or erase ------------------------------------------------------------------------

    def delete_or_erase(self) -> None:
        if self._parts.services.privacy is None:
            self._parts.say(NOT_HERE)
        elif self.is_local():
            self._erase()
        else:
            self._ask_delete()

    def _ask_delete(self) -> None:
        workspace = self._parts.session.workspace
        if workspace is None or workspace.profile_id == LOCAL_ID:
            self._parts.say(NOTHING_OPEN)
            return
        if self.delete_dialog is not None and self.delete_dialog.isVisible():
            self.delete_dialog.raise_()
            self.delete_dialog.activateWindow()
            return
        profiles = self._parts.profiles
        where = profiles.profile(workspace.profile_id).name if profiles is not None else workspace.where
        dialog = DeleteAccountDialog(workspace.account.email, where, self._parts.window)
        dialog.submitted.connect(partial(self._delete, workspace.profile_id, dialog))
        self.delete_dialog = dialog
        dialog.open()

    def _delete(self, profile_id: str, dialog: DeleteAccountDialog, password: str) -> None:
        privacy = self._parts.services.privacy
        assert privacy is not None  # checked before the dialog opened
        self._parts.workers.write(
            lambda: privacy.delete_account(profile_id, password),
            lambda _: self._deleted(profile_id, dialog),
            dialog.show_error,
            label="delete account",
        )

    def _deleted(self, profile_id: str, dialog: DeleteAccountDialog) -> None:
        dialog.accept()
        switch = self._parts.switch
        if switch.current_id == profile_id:
            # Signed out already (the gateway forgot the session): this asks who signs in now.
            switch.close()
            switch.open()
        self._parts.say(DELETED.format(email=dialog.email))

    def _erase(self) -> None:
        privacy = self._parts.services.privacy
        assert privacy is not None
        if not self.confirm_erase(self._parts.window):
            return
        self._parts.say(ERASING)
        # Closed first: no list, edit or count may reach the database while it goes.
        self._parts.switch.hold_closed()
        self._parts.workers.write(privacy.erase_local_data, self._erased, self._erase_failed, label="erase")

    def _erased(self, _: object) -> None:
        self._parts.say(ERASED)
        self._parts.switch.release()

    def _erase_failed(self, message: str) -> None:
        self._parts.say(message)
        self._parts.switch.release()  # whatever is left opens again, or says why not
