"""Which workspace the window shows, and the accounts around it.

The Local profile opens through the composition root's opener (the embedded database); a
shared one through the sign-in flow (a kept session if it still works, else the dialog).
Closing a workspace leaves its queued writes to finish on it, in order. Signing out is a
write as well, so every edit made before it reaches the database before the session ends.
A session ended from elsewhere (Sign Out Everywhere on another device, or its expiry) closes
the workspace and opens the profile again, which asks to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from todo_desktop import APP_NAME
from todo_desktop.core.ports import ProfileGateway, Workspace, WorkspaceOpener
from todo_desktop.core.profiles import LOCAL_ID, LOCAL_PROFILE, Profile
from todo_desktop.ui.accounts.connections_dialog import ConnectionsDialog
from todo_desktop.ui.accounts.sign_in_dialog import SignInFlow
from todo_desktop.ui.chrome.placeholder import RETRY
from todo_desktop.ui.chrome.window_status import WindowStatus, edits_text
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.session import READ_ONLY, SIGNING_OUT, WorkspaceSession
from todo_desktop.ui.workers import Workers

OPEN_VIEW = "workspace"
KEYRING_VIEW = "keyring-note"
STARTING = "Starting database…"
LOADING = "Loading tasks…"
CONNECTING = "Connecting to {name}…"
NOT_SIGNED_IN = "Not signed in. Sign in to continue, or choose File > Connections… for another database."
SIGN_IN_AGAIN = "&Sign In…"  # the placeholder's button: it opens the sign-in again
NOBODY = "Not signed in"
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


class ListPage(Protocol):
    """Where the list goes while there is none to show: a busy line, or a failure with Retry."""

    def show_busy(self, text: str) -> None: ...
    def show_error(self, message: str, action: str = RETRY) -> None: ...


class WorkspaceSwitch(QObject):
    """Opens, closes and switches the session's workspace, and signs in and out of shared ones."""

    changed = Signal()  # what the account commands may do (``allowed``) has changed
    message = Signal(str)

    def __init__(
        self,
        session: WorkspaceSession,
        opener: WorkspaceOpener,
        profiles: ProfileGateway | None,
        workers: Workers,
        page: ListPage,
        status: WindowStatus,
        parent: QWidget,
        *,
        save_typing: Callable[[], None] = lambda: None,
        clear_undo: Callable[[], None] = lambda: None,
        away: Callable[[], bool] = lambda: False,
    ) -> None:
        """``save_typing`` saves what is being typed in the details; ``clear_undo`` forgets
        the undo history; ``away`` says the window is showing the database as unreachable."""
        super().__init__(parent)
        self._parent = parent
        self._session = session
        self._opener = opener
        self._workers = workers
        self._page = page
        self._status = status
        self._save_typing = save_typing
        self._clear_undo = clear_undo
        self._away = away
        self.profiles = profiles
        self.sign_in = SignInFlow(profiles, workers, parent) if profiles is not None else None
        if self.sign_in is not None:
            self.sign_in.signed_in.connect(self._opened)
            self.sign_in.failed.connect(self._flow_failed)
            self.sign_in.cancelled.connect(self._flow_cancelled)
        self.pending: str | None = None  # the profile being opened
        self.held: str | None = None  # the profile whose database is being replaced or erased
        self.signing_out: str | None = None  # the profile whose sign-out write is queued
        self.connections: ConnectionsDialog | None = None
        # Replaceable so tests (and other front ends) can answer without a modal box.
        self.confirm_everywhere: Callable[[QWidget, str], bool] = ask_sign_out_everywhere
        self._keyring_said = False
        # Jobs up to this serial were asked for before the workspace shown now was opened.
        self._opened_after = 0
        workers.signed_out.connect(self._session_ended)

    # Which profile ------------------------------------------------------------------------

    def active(self) -> Profile:
        return self.profiles.profiles().active if self.profiles is not None else LOCAL_PROFILE

    @property
    def current_id(self) -> str | None:
        """The profile of the workspace shown or being opened; None after a failure."""
        workspace = self._session.workspace
        return workspace.profile_id if workspace is not None else self.pending

    def _profile(self, profile_id: str) -> Profile | None:
        if self.profiles is None:
            return None
        return next((p for p in self.profiles.profiles().items if p.id == profile_id), None)

    # Opening and closing ------------------------------------------------------------------

    def open(self, message: str | None = None) -> None:
        """``message`` is said in the sign-in dialog, if it asks, as the reason it does."""
        if self.pending is not None or self._session.workspace is not None:
            return
        profile = self.active()
        if profile.id == self.held:
            return
        self.pending = profile.id
        if profile.is_local or self.sign_in is None:
            self._page.show_busy(STARTING)
            self._status.show_closed("this computer", "")
            failed = partial(self._failed, profile.id)
            self._workers.read(OPEN_VIEW, self._opener, self._opened, failed, label="open workspace")
        else:
            self._page.show_busy(CONNECTING.format(name=profile.name))
            self._status.show_closed(profile.name, NOBODY)
            self.sign_in.start(profile.id, message)
        self.changed.emit()

    def _opened(self, workspace: Workspace) -> None:
        if workspace.profile_id != self.pending:
            return  # opened for a profile the person has left meanwhile
        self.pending = None
        self._opened_after = self._workers.last_serial
        profile = None if workspace.profile_id == LOCAL_ID else self._profile(workspace.profile_id)
        self._status.show_workspace(workspace, profile.name if profile is not None else None)
        self._session.set_refusal((workspace.warning or READ_ONLY) if workspace.read_only else None)
        self._page.show_busy(LOADING)
        self._session.open(workspace)
        self.changed.emit()
        if profile is not None:
            self._note_keyring()

    def _failed(self, profile_id: str, message: str, action: str = RETRY) -> None:
        """``message`` in place of the list, with a button that opens the profile again."""
        if profile_id != self.pending:
            return
        self.pending = None
        self._page.show_error(message, action)
        self.changed.emit()

    def _flow_failed(self, message: str) -> None:
        # Only a shared profile opens through the flow; a late answer for one left behind is not ours.
        if self.pending is not None and self.pending != LOCAL_ID:
            self._failed(self.pending, message)

    def _flow_cancelled(self) -> None:
        dialog = self.sign_in.dialog if self.sign_in is not None else None
        if dialog is not None and dialog.profile.id == self.pending:
            self._failed(dialog.profile.id, NOT_SIGNED_IN, SIGN_IN_AGAIN)

    def close(self) -> None:
        self._save_details()
        self.pending = None  # first: the dialog dismissed below must not report a cancel
        dialog = self.sign_in.dialog if self.sign_in is not None else None
        if dialog is not None and dialog.isVisible():
            dialog.reject()
        if self.sign_in is not None:
            self.sign_in.stop()
        self._workers.drop_pending(OPEN_VIEW)
        self._session.close()
        self._clear_undo()  # its commands would write to the workspace just closed
        self._page.show_busy("")
        active = self.active()
        self._status.show_closed("this computer" if active.is_local else active.name, "")
        self._session.set_refusal(None)
        self.changed.emit()

    def hold_closed(self) -> None:
        """Close, and open this profile again only at ``release``: its database is being
        replaced or erased. A retry after an outage, the database answering again, or F5 open
        a closed workspace; opened meanwhile, it would show (and take edits for) the database
        on its way out. Another profile may still be switched to."""
        self.held = self.current_id or self.active().id
        self.close()

    def release(self) -> None:
        """Open again whichever profile is active, the one held included."""
        self.held = None
        self.open()

    def switch_profile(self, profile_id: str) -> None:
        if profile_id == self.current_id:
            return
        self.close()
        self.open()

    def reopen_if_current(self, profile_id: str) -> None:
        """A saved profile takes effect at once: the one in use opens again on its new
        settings (a session the server still knows goes on without asking)."""
        if profile_id == self.current_id and self._session.workspace is not None:
            self.close()
            self.open()

    # Editing allowed or not ----------------------------------------------------------------

    def _save_details(self) -> None:
        # As when quitting: what is being typed in the details goes out before the workspace does.
        if self._session.workspace is not None:
            self._save_typing()

    def allowed(self) -> dict[CommandId, bool]:
        """Which account commands make sense now."""
        workspace = self._session.workspace
        shared_open = workspace is not None and workspace.profile_id != LOCAL_ID and not self.signing_out
        can_sign_in = self.sign_in is not None and not self.active().is_local and workspace is None
        return {
            CommandId.CONNECTIONS: self.profiles is not None,
            CommandId.SIGN_IN: can_sign_in,
            CommandId.SIGN_OUT: shared_open,
            CommandId.SIGN_OUT_EVERYWHERE: shared_open,
        }

    # Commands ------------------------------------------------------------------------------

    def open_connections(self) -> None:
        if self.profiles is None:
            return
        if self.connections is None:
            # Kept for the life of the window: its workers may still answer after it closes.
            self.connections = ConnectionsDialog(self.profiles, self._workers, self._parent)
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
        workspace = self._session.workspace
        profile = self._profile(workspace.profile_id) if workspace is not None else None
        if profile is None or self.signing_out:
            return
        if self.confirm_everywhere(self._parent, profile.name):
            self._end_session(everywhere=True)

    def _end_session(self, *, everywhere: bool) -> None:
        gateway = self.profiles
        workspace = self._session.workspace
        if gateway is None or workspace is None or workspace.profile_id == LOCAL_ID or self.signing_out:
            return
        profile_id = self.signing_out = workspace.profile_id
        # Queued behind the edits already made (the details being typed too); nothing new may
        # follow it, or undo an old one.
        self._save_details()
        self._session.set_refusal(SIGNING_OUT)
        self._clear_undo()
        self.message.emit(SIGNING_OUT)
        self.changed.emit()
        job: Callable[[], str]
        if everywhere:
            job = lambda: signed_out_of(gateway.sign_out_everywhere(profile_id))  # noqa: E731
        else:
            job = lambda: gateway.sign_out(profile_id)  # noqa: E731
        self._workers.write(
            job,
            partial(self._signed_out, profile_id),
            partial(self._sign_out_failed, profile_id),
            label="sign out everywhere" if everywhere else "sign out",
        )

    def _signed_out(self, profile_id: str, message: str) -> None:
        self.signing_out = None
        workspace = self._session.workspace
        outbox = workspace.outbox if workspace is not None and workspace.profile_id == profile_id else None
        waiting = outbox.pending_count() if outbox is not None else 0
        if waiting:  # kept for this account, not lost: say so before the count disappears
            message = f"{message} {KEPT_OFFLINE.format(edits=edits_text(waiting))}"
        if self.current_id == profile_id:
            self.close()
            self.open()  # nobody is signed in now, so this asks
        self.message.emit(message)
        self.changed.emit()

    def _sign_out_failed(self, profile_id: str, message: str) -> None:
        self.signing_out = None
        workspace = self._session.workspace
        if workspace is not None and workspace.profile_id == profile_id:
            # Still signed in (nothing was forgotten): carry on as before.
            self._session.set_refusal((workspace.warning or READ_ONLY) if workspace.read_only else None)
        self.message.emit(message)
        self.changed.emit()

    def _session_ended(self, serial: int, sentence: str) -> None:
        """An answer says the session is over though nobody here signed out: ask, once, to sign
        in again, rather than repeat the sentence on every read with Sign In… disabled."""
        workspace = self._session.workspace
        if workspace is None or workspace.profile_id == LOCAL_ID or self.signing_out:
            return  # nothing shared is open, or our own sign-out will reopen it
        if serial <= self._opened_after:
            return  # asked for on a workspace closed since: the one open now may be fine
        # Closing saves what is being typed; edits the database did not take wait in this
        # account's outbox, sent once the same account signs in again. Opening tries the kept
        # session first, which finds it ended, drops it from the keyring and asks.
        self.close()
        self.open(sentence)
        self.message.emit(sentence)  # the list that said so is gone; the status bar still does

    # Quitting -------------------------------------------------------------------------------

    def kept_offline(self) -> int:
        """Edits waiting in the outbox while the database is away (0: none, or it answers)."""
        workspace = self._session.workspace
        outbox = workspace.outbox if workspace is not None else None
        if outbox is None or not outbox.pending_count():
            return 0
        away = outbox.offline or self._away()
        return outbox.pending_count() if away else 0

    # The keyring, said once ------------------------------------------------------------------

    def _note_keyring(self) -> None:
        if self._keyring_said or self.profiles is None:
            return
        self._workers.read(KEYRING_VIEW, self.profiles.keyring_problem, self._keyring_checked, lambda _: None)

    def _keyring_checked(self, reason: str | None) -> None:
        if not reason or self._keyring_said:
            return
        self._keyring_said = True
        # The store's own sentence ends in its fallback; for a shared profile that means asking.
        note = KEYRING_NOTE.format(cause=reason.split(";")[0].rstrip("."))
        self.message.emit(note)
        self._status.explain_where(note)
