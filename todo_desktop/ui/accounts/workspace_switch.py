"""Which workspace the window shows, and the accounts around it.

The Local profile opens through the composition root's opener (the embedded database); a
shared one through the sign-in flow (a kept session if it still works, else the dialog).
Closing a workspace leaves its queued writes to finish on it, in order. Signing out is a
write as well, so every edit made before it reaches the database before the session ends.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from todo_desktop import APP_NAME
from todo_desktop.core.ports import ProfileGateway, Workspace, WorkspaceOpener
from todo_desktop.core.profiles import LOCAL_ID, LOCAL_PROFILE, Profile
from todo_desktop.ui.accounts.connections_dialog import ConnectionsDialog
from todo_desktop.ui.accounts.sign_in_dialog import SignInFlow
from todo_desktop.ui.chrome.window_status import edits_text
from todo_desktop.ui.lists.navigator import COUNTS_VIEW

if TYPE_CHECKING:
    from todo_desktop.ui.main_window import MainWindow

OPEN_VIEW = "workspace"
KEYRING_VIEW = "keyring-note"
STARTING = "Starting database…"
LOADING = "Loading tasks…"
CONNECTING = "Connecting to {name}…"
NOT_SIGNED_IN = "Not signed in. Choose Account > Sign In… to continue."
NOBODY = "Not signed in"
SIGNING_OUT = "Signing out…"
READ_ONLY = "This database opens read-only; changes cannot be saved."
READ_ONLY_HINT = "Read-only: changes cannot be saved"
KEPT_OFFLINE = "{edits} made offline will be sent when you sign in to this account here again."
QUIT_BOX = "quit-with-edits-kept"
KEYRING_NOTE = "{cause}, so your password will be asked for each time the app starts."


def signed_out_of(count: int) -> str:
    return f"Signed out of {count} session{'' if count == 1 else 's'}."


def kept_at_quit(count: int) -> str:
    """What quitting with edits in the outbox means for them, in one sentence."""
    if count == 1:
        return f"1 edit is waiting; it will be sent the next time you open {APP_NAME}."
    return f"{count:,} edits are waiting; they will be sent the next time you open {APP_NAME}."


def ask_quit_offline(parent: QWidget, sentence: str, leave: Callable[[], None]) -> None:
    """Quit (Enter: ``leave`` is called) or wait for the database (Esc). The box does not
    block, so a window closed by code (the session ending) never hangs on it."""
    shown = parent.findChild(QMessageBox, QUIT_BOX)
    if shown is not None and shown.isVisible():
        shown.raise_()
        return
    box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, sentence, parent=parent)
    box.setObjectName(QUIT_BOX)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    quit_button = box.addButton("&Quit", QMessageBox.ButtonRole.AcceptRole)
    wait_button = box.addButton("&Wait", QMessageBox.ButtonRole.RejectRole)
    wait_button.setToolTip("Keep the window open; the edits are sent as soon as the database answers.")
    box.setDefaultButton(quit_button)
    box.setEscapeButton(wait_button)
    box.finished.connect(lambda _result: leave() if box.clickedButton() is quit_button else None)
    box.open()


def ask_sign_out_everywhere(parent: QWidget, name: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Sign out everywhere",
        f"Sign out of {name} on every computer, this one included? Each will ask for the password again.",
    )
    return answer == QMessageBox.StandardButton.Yes


class WorkspaceSwitch(QObject):
    def __init__(self, window: MainWindow, opener: WorkspaceOpener, profiles: ProfileGateway | None) -> None:
        super().__init__(window)
        self._window = window
        self._opener = opener
        self.profiles = profiles
        self.sign_in = SignInFlow(profiles, window.workers, window) if profiles is not None else None
        if self.sign_in is not None:
            self.sign_in.signed_in.connect(self._opened)
            self.sign_in.failed.connect(self._flow_failed)
            self.sign_in.cancelled.connect(self._flow_cancelled)
        self.pending: str | None = None  # the profile being opened
        self.signing_out: str | None = None  # the profile whose sign-out write is queued
        self.connections: ConnectionsDialog | None = None
        # Replaceable so tests (and other front ends) can answer without a modal box.
        self.confirm_everywhere: Callable[[QWidget, str], bool] = ask_sign_out_everywhere
        self.confirm_quit: Callable[[QWidget, str, Callable[[], None]], None] = ask_quit_offline
        self._keyring_said = False
        self._add_hint = window.quick_add.placeholderText()

    # Which profile ------------------------------------------------------------------------

    def active(self) -> Profile:
        return self.profiles.profiles().active if self.profiles is not None else LOCAL_PROFILE

    @property
    def current_id(self) -> str | None:
        """The profile of the workspace shown or being opened; None after a failure."""
        workspace = self._window.workspace
        return workspace.profile_id if workspace is not None else self.pending

    def _profile(self, profile_id: str) -> Profile | None:
        if self.profiles is None:
            return None
        return next((p for p in self.profiles.profiles().items if p.id == profile_id), None)

    # Opening and closing ------------------------------------------------------------------

    def open(self) -> None:
        w = self._window
        if self.pending is not None or w.workspace is not None:
            return
        profile = self.active()
        self.pending = profile.id
        w.stack.setCurrentWidget(w.placeholder)
        if profile.is_local or self.sign_in is None:
            w.placeholder.show_busy(STARTING)
            w.status.show_closed("this computer", "")
            failed = partial(self._failed, profile.id)
            w.workers.read(OPEN_VIEW, self._opener, self._opened, failed, label="open workspace")
        else:
            w.placeholder.show_busy(CONNECTING.format(name=profile.name))
            w.status.show_closed(profile.name, NOBODY)
            self.sign_in.start(profile.id)
        self.update_actions()

    def _opened(self, workspace: Workspace) -> None:
        if workspace.profile_id != self.pending:
            return  # opened for a profile the person has left meanwhile
        self.pending = None
        w = self._window
        w.workspace = workspace
        profile = None if workspace.profile_id == LOCAL_ID else self._profile(workspace.profile_id)
        w.status.show_workspace(workspace, profile.name if profile is not None else None)
        self._set_editable((workspace.warning or READ_ONLY) if workspace.read_only else None)
        w.placeholder.show_busy(LOADING)
        w.tasks.set_query(w.navigator.query())
        w.tasks.bind(workspace.tasks)
        w.add_early()
        w.navigator.refresh_counts()
        self.update_actions()
        if profile is not None:
            self._note_keyring()

    def _failed(self, profile_id: str, message: str) -> None:
        if profile_id != self.pending:
            return
        self.pending = None
        self._window.stack.setCurrentWidget(self._window.placeholder)
        self._window.placeholder.show_error(message)  # with Retry, which opens again
        self.update_actions()

    def _flow_failed(self, message: str) -> None:
        # Only a shared profile opens through the flow; a late answer for one left behind is not ours.
        if self.pending is not None and self.pending != LOCAL_ID:
            self._failed(self.pending, message)

    def _flow_cancelled(self) -> None:
        dialog = self.sign_in.dialog if self.sign_in is not None else None
        if dialog is not None and dialog.profile.id == self.pending:
            self._failed(dialog.profile.id, NOT_SIGNED_IN)

    def close(self) -> None:
        w = self._window
        self._save_details()
        self.pending = None  # first: the dialog dismissed below must not report a cancel
        dialog = self.sign_in.dialog if self.sign_in is not None else None
        if dialog is not None and dialog.isVisible():
            dialog.reject()
        w.workspace = None
        w.tasks.unbind()
        w.workers.drop_pending(OPEN_VIEW, COUNTS_VIEW)
        w.undo_stack.clear()  # its commands would write to the workspace just closed
        w.navigator.forget_counts()
        w.placeholder.show_busy("")
        w.stack.setCurrentWidget(w.placeholder)
        active = self.active()
        w.status.show_closed("this computer" if active.is_local else active.name, "")
        self._set_editable(None)
        self.update_actions()

    def switch_profile(self, profile_id: str) -> None:
        if profile_id == self.current_id:
            return
        self._window.close_workspace()
        self._window.open_workspace()

    def reopen_if_current(self, profile_id: str) -> None:
        """A saved profile takes effect at once: the one in use opens again on its new
        settings (a session the server still knows goes on without asking)."""
        if profile_id == self.current_id and self._window.workspace is not None:
            self._window.close_workspace()
            self._window.open_workspace()

    # Editing allowed or not ----------------------------------------------------------------

    def _save_details(self) -> None:
        # As when quitting: what is being typed in the details goes out before the workspace does.
        if self._window.workspace is not None and self._window.details.contains_focus():
            self._window.details.save_all()

    def _set_editable(self, refusal: str | None) -> None:
        """``refusal`` is the sentence every edit gets instead (read-only, signing out)."""
        w = self._window
        w.commands.read_only = refusal
        w.quick_add.setEnabled(refusal is None)
        # What was typed stays in the field; the hint says why it cannot be added now.
        hints = {None: self._add_hint, SIGNING_OUT: SIGNING_OUT}
        w.quick_add.setPlaceholderText(hints.get(refusal, READ_ONLY_HINT))
        for action in w.action_set.edits:
            action.setEnabled(refusal is None)

    def update_actions(self) -> None:
        acts = self._window.action_set
        workspace = self._window.workspace
        shared_open = workspace is not None and workspace.profile_id != LOCAL_ID and not self.signing_out
        acts["Connections"].setEnabled(self.profiles is not None)
        can_sign_in = self.sign_in is not None and not self.active().is_local and workspace is None
        acts["Sign In"].setEnabled(can_sign_in)
        acts["Sign Out"].setEnabled(shared_open)
        acts["Sign Out Everywhere"].setEnabled(shared_open)

    # Commands ------------------------------------------------------------------------------

    def open_connections(self) -> None:
        if self.profiles is None:
            return
        if self.connections is None:
            # Kept for the life of the window: its workers may still answer after it closes.
            self.connections = ConnectionsDialog(self.profiles, self._window.workers, self._window)
            self.connections.active_changed.connect(self.switch_profile)
            self.connections.profile_saved.connect(self.reopen_if_current)
        else:
            self.connections.show_profiles(self.profiles.profiles())
        self.connections.open()

    def ask_sign_in(self) -> None:
        dialog = self.sign_in.dialog if self.sign_in is not None else None
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return
        if not self.active().is_local:
            self.open()  # a still-valid kept session opens at once; otherwise the dialog asks

    def sign_out(self) -> None:
        self._end_session(everywhere=False)

    def sign_out_everywhere(self) -> None:
        workspace = self._window.workspace
        profile = self._profile(workspace.profile_id) if workspace is not None else None
        if profile is None or self.signing_out:
            return
        if self.confirm_everywhere(self._window, profile.name):
            self._end_session(everywhere=True)

    def _end_session(self, *, everywhere: bool) -> None:
        w, gateway = self._window, self.profiles
        workspace = w.workspace
        if gateway is None or workspace is None or workspace.profile_id == LOCAL_ID or self.signing_out:
            return
        profile_id = self.signing_out = workspace.profile_id
        # Queued behind the edits already made (the details being typed too); nothing new may
        # follow it, or undo an old one.
        self._save_details()
        self._set_editable(SIGNING_OUT)
        w.undo_stack.clear()
        w.show_message(SIGNING_OUT)
        self.update_actions()
        job: Callable[[], str]
        if everywhere:
            job = lambda: signed_out_of(gateway.sign_out_everywhere(profile_id))  # noqa: E731
        else:
            job = lambda: gateway.sign_out(profile_id)  # noqa: E731
        w.workers.write(
            job,
            partial(self._signed_out, profile_id),
            partial(self._sign_out_failed, profile_id),
            label="sign out everywhere" if everywhere else "sign out",
        )

    def _signed_out(self, profile_id: str, message: str) -> None:
        self.signing_out = None
        workspace = self._window.workspace
        outbox = workspace.outbox if workspace is not None and workspace.profile_id == profile_id else None
        waiting = outbox.pending_count() if outbox is not None else 0
        if waiting:  # kept for this account, not lost: say so before the count disappears
            message = f"{message} {KEPT_OFFLINE.format(edits=edits_text(waiting))}"
        if self.current_id == profile_id:
            self._window.close_workspace()
            self._window.open_workspace()  # nobody is signed in now, so this asks
        self._window.show_message(message)
        self.update_actions()

    def _sign_out_failed(self, profile_id: str, message: str) -> None:
        self.signing_out = None
        workspace = self._window.workspace
        if workspace is not None and workspace.profile_id == profile_id:
            # Still signed in (nothing was forgotten): carry on as before.
            self._set_editable((workspace.warning or READ_ONLY) if workspace.read_only else None)
        self._window.show_message(message)
        self.update_actions()

    # Quitting -------------------------------------------------------------------------------

    def kept_offline(self) -> int:
        """Edits waiting in the outbox while the database is away (0: none, or it answers)."""
        w = self._window
        outbox = w.workspace.outbox if w.workspace is not None else None
        if outbox is None or not outbox.pending_count():
            return 0
        away = outbox.offline or w.banner.isVisible() or w.waking.reachability.unreachable
        return outbox.pending_count() if away else 0

    # The keyring, said once ------------------------------------------------------------------

    def _note_keyring(self) -> None:
        if self._keyring_said or self.profiles is None:
            return
        self._window.workers.read(
            KEYRING_VIEW, self.profiles.keyring_problem, self._keyring_checked, lambda _: None
        )

    def _keyring_checked(self, reason: str | None) -> None:
        if not reason or self._keyring_said:
            return
        self._keyring_said = True
        # The store's own sentence ends in its fallback; for a shared profile that means asking.
        note = KEYRING_NOTE.format(cause=reason.split(";")[0].rstrip("."))
        self._window.show_message(note)
        self._window.where_label.setToolTip(note)
