"""Signing in to, or registering on, a shared database; and the start-up flow around it.

argon2 and the network take time, so every attempt runs on a worker and the dialog stays
responsive. Nothing typed is cleared on a failure: after "Email or password is wrong." the
password is selected, not erased, so typing replaces it while Enter retries it unchanged
(a dropped connection is no reason to retype it, and a typo in the email is fixed alone).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from todo_desktop.core import validation
from todo_desktop.core.errors import TodoError
from todo_desktop.core.failures import Failure
from todo_desktop.core.ports import Credentials, ProfileGateway, Workspace
from todo_desktop.core.profiles import Profile
from todo_desktop.ui.accounts.profiles_view import FieldErrors, address, form_row, problems
from todo_desktop.ui.chrome.grow_to_fit import GrowToFit
from todo_desktop.ui.workers import Workers

SIGNING_IN = "Signing in…"
ENTER_PASSWORD = "Enter your password."  # noqa: S105 - a sentence, not a secret
REGISTERING = "Creating the account…"
NO_STAYING = "Needs a working system keyring to keep the sign-in after you quit."
# The connection settings a refused database login can be about, as the profile form names them.
SETTING_NAMES = {"db_user": "User", "db_name": "Database"}
FIX_SETTING = "{message} Fix the connection's {setting} setting in File > Connections…, then sign in again."
# The database pauses sign-in after failures in a row (DESIGN.md section 5) and then refuses even
# the right password with the same generic sentence, on purpose. Without a word about the pause a
# person who gets it right is told it is wrong, and keeps retrying, which lengthens the pause.
PAUSE_AFTER = 3  # failures in a row in this dialog before the pause is mentioned
PAUSED = (
    "{message} After many failed attempts in a row, sign-in pauses for a minute or more, and even "
    "the right password is refused until then; wait a minute before trying again."
)


class SignInDialog(QDialog):
    """On success ``workspace`` holds the signed-in workspace and the dialog is accepted."""

    def __init__(
        self,
        gateway: ProfileGateway,
        workers: Workers,
        profile: Profile,
        parent: QWidget | None = None,
        *,
        register: bool = False,
        message: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._workers = workers
        self.profile = profile
        self._view = workers.new_view("sign-in")
        self._busy = False
        self._cancelled = False
        self._refused_in_row = 0  # generic refusals of signing in, since the last other answer
        self.workspace: Workspace | None = None
        self.errors = FieldErrors()
        self._build()
        GrowToFit(self)
        self.set_register(register)
        if message:
            self.errors.show({"form": message})
        self._workers.read(
            f"{self._view}-prepare",
            lambda: (gateway.needs_password(profile.id), gateway.keyring_problem()),
            self._prepared,
            lambda text: self.errors.show({"form": text}),
        )

    def _build(self) -> None:
        # Wide enough that field messages fit on one line at any scaling.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.email_edit = QLineEdit(self)
        self.email_edit.setPlaceholderText("name@example.com")
        self.password_edit = QLineEdit(self)
        self.repeat_edit = QLineEdit(self)
        self.db_password_edit = QLineEdit(self)
        for secret in (self.password_edit, self.repeat_edit, self.db_password_edit):
            secret.setEchoMode(QLineEdit.EchoMode.Password)
        # Optional: a server that authenticates otherwise (a local socket, say) needs none.
        self.db_password_edit.setPlaceholderText("Not saved on this computer")
        self.first_edit = QLineEdit(self)
        self.last_edit = QLineEdit(self)
        holder = QWidget(self)
        self.form = QFormLayout(holder)
        self.form.setContentsMargins(0, 0, 0, 0)
        form_row(self.form, holder, self.errors, "email", "&Email:", self.email_edit)
        form_row(self.form, holder, self.errors, "password", "&Password:", self.password_edit)
        form_row(self.form, holder, self.errors, "repeat", "&Repeat password:", self.repeat_edit)
        form_row(self.form, holder, self.errors, "first_name", "&First name:", self.first_edit)
        form_row(self.form, holder, self.errors, "last_name", "&Last name:", self.last_edit)
        form_row(self.form, holder, self.errors, "db_password", "&Database password:", self.db_password_edit)
        self.form.setRowVisible(self.errors.rows["db_password"], False)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Keyring problem")
        self.note.hide()
        self.stay_check = QCheckBox("&Stay signed in on this computer", self)
        self.stay_check.setChecked(True)
        self.status = QLabel(self)
        self.status.setAccessibleName("Progress")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.submit_button = QPushButton(self)
        self.submit_button.setDefault(True)
        self.buttons.addButton(self.submit_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.switch_button = QPushButton(self)
        self.buttons.addButton(self.switch_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.switch_button.clicked.connect(lambda: self.set_register(not self.registering))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form_problem = self.errors.wrap("form", QWidget(self), self)
        layout = QVBoxLayout(self)
        for widget in (self.heading, holder, self.note, self.stay_check, form_problem, self.status):
            layout.addWidget(widget)
        layout.addWidget(self.buttons)

    def set_register(self, register: bool) -> None:
        """Switch between signing in and registering; every field keeps what was typed."""
        self.registering = register
        for name in ("repeat", "first_name", "last_name"):
            self.form.setRowVisible(self.errors.rows[name], register)
        self.setWindowTitle("Create an account" if register else "Sign in")
        self.heading.setText(f"{'Create an account on' if register else 'Sign in to'} {self.profile.name}.")
        self.heading.setToolTip(f"{self.profile.user}@{address(self.profile)}/{self.profile.database}")
        self.submit_button.setText("&Create account" if register else "S&ign in")
        self.switch_button.setText("I &have an account" if register else "&New account…")
        self.errors.show({})

    def _prepared(self, answer: tuple[bool, str | None]) -> None:
        needs_password, keyring_problem = answer
        self.form.setRowVisible(self.errors.rows["db_password"], needs_password)
        if keyring_problem:
            self.note.setText(f"{keyring_problem} Signing in lasts until you quit.")
            self.note.show()
            # Nowhere to keep the session: a ticked box would promise what cannot happen.
            self.stay_check.setChecked(False)
            self.stay_check.setEnabled(False)
            self.stay_check.setToolTip(NO_STAYING)

    @property
    def asks_db_password(self) -> bool:
        return self.form.isRowVisible(self.errors.rows["db_password"])

    def _check(self) -> dict[str, str]:
        """Each problem as a sentence for its field, before anything leaves the dialog."""
        found: dict[str, str] = {}

        def run(name: str, check: Callable[[], object]) -> None:
            try:
                check()
            except TodoError as exc:
                found.setdefault(name, problems(exc).get(name, exc.message))

        run("email", lambda: validation.email(self.email_edit.text()))
        password = self.password_edit.text()
        if self.registering:
            run("password", lambda: validation.password(password))
            if self.repeat_edit.text() != password:
                found["repeat"] = "The two passwords differ."
            run("first_name", lambda: validation.first_name(self.first_edit.text()))
            run("last_name", lambda: validation.last_name(self.last_edit.text()))
        elif not password:
            found["password"] = ENTER_PASSWORD
        return found

    def submit(self) -> None:
        if self._busy:
            return
        found = self._check()
        self.errors.show(found)
        if found:
            return
        credentials = Credentials(
            email=self.email_edit.text().strip(),
            password=self.password_edit.text(),
            stay_signed_in=self.stay_check.isChecked(),
            db_password=(self.db_password_edit.text() or None) if self.asks_db_password else None,
            first_name=self.first_edit.text(),
            last_name=self.last_edit.text(),
        )
        action = self._gateway.register if self.registering else self._gateway.sign_in
        self._set_busy(REGISTERING if self.registering else SIGNING_IN)
        self._workers.read(
            self._view,
            lambda: action(self.profile.id, credentials),
            self._signed_in,
            self._failed,
            label="register" if self.registering else "sign in",
        )

    def _set_busy(self, text: str | None) -> None:
        self._busy = text is not None
        self.status.setText(text or "")
        self.submit_button.setEnabled(not self._busy)
        self.switch_button.setEnabled(not self._busy)

    def _signed_in(self, workspace: Workspace) -> None:
        self._set_busy(None)
        if self._cancelled:
            # Cancelled while the attempt ran: nobody will use this session, so end it.
            self._workers.write(
                lambda: self._gateway.sign_out(self.profile.id), lambda _: None, lambda _: None
            )
            return
        self.workspace = workspace
        self.accept()

    def reject(self) -> None:
        self._cancelled = self._busy
        super().reject()

    def _failed(self, failure: Failure) -> None:
        self._set_busy(None)
        if self._cancelled:
            return
        field = getattr(failure, "field", None)
        if field == "db_password":
            # The database refused the connection's own password: that field is what to fix.
            self.form.setRowVisible(self.errors.rows["db_password"], True)
            self.errors.show({"db_password": str(failure)})
            self.db_password_edit.setFocus()
            self.db_password_edit.selectAll()
        elif field in SETTING_NAMES:
            # A setting of the connection, not of this form: say where it is changed.
            self.errors.show({"form": FIX_SETTING.format(message=failure, setting=SETTING_NAMES[field])})
        else:
            self.errors.show({"form": self._refusal(failure)})
            if not self.registering:
                self.password_edit.setFocus()
                self.password_edit.selectAll()

    def _refusal(self, failure: Failure) -> str:
        """The form's sentence; once refusals repeat, it mentions the pause they may have caused."""
        # Only a sign-in the database answered can count towards its pause: not an unreachable
        # database, not a connection setting, not a registration.
        if self.registering or failure.unavailable or getattr(failure, "field", None):
            self._refused_in_row = 0
            return str(failure)
        self._refused_in_row += 1
        return PAUSED.format(message=failure) if self._refused_in_row >= PAUSE_AFTER else str(failure)


class SignInFlow(QObject):
    """Opens a shared profile: the kept session if it still works, else the sign-in dialog.

    ``signed_in(Workspace)`` on success, ``failed(str)`` when the database cannot be reached
    (the window offers a retry), ``cancelled()`` when the person closes the dialog.
    """

    signed_in = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, gateway: ProfileGateway, workers: Workers, window: QWidget) -> None:
        super().__init__(window)
        self._gateway = gateway
        self._workers = workers
        self._window = window
        self._view = workers.new_view("sign-in-flow")
        self.dialog: SignInDialog | None = None

    def start(self, profile_id: str, message: str | None = None) -> None:
        """``message`` says in the dialog, if it asks, why it does (the session ended, say)."""
        self._workers.read(
            self._view,
            lambda: self._gateway.resume(profile_id),
            lambda workspace: self._resumed(profile_id, workspace, message),
            self.failed.emit,
            label="resume session",
        )

    def stop(self) -> None:
        """The profile is left: a kept-session check still on its way must neither open the
        workspace nor, finding no session, ask for a sign-in over the profile now in use."""
        self._workers.drop_pending(self._view)

    def _resumed(self, profile_id: str, workspace: Workspace | None, message: str | None) -> None:
        if workspace is not None:
            self.signed_in.emit(workspace)
        else:
            self.ask(profile_id, message)

    def ask(self, profile_id: str, message: str | None = None) -> SignInDialog:
        profile = self._gateway.profile(profile_id)
        self.dialog = SignInDialog(self._gateway, self._workers, profile, self._window, message=message)
        self.dialog.accepted.connect(self._accepted)
        self.dialog.rejected.connect(self.cancelled.emit)
        self.dialog.open()
        return self.dialog

    def _accepted(self) -> None:
        if self.dialog is not None and self.dialog.workspace is not None:
            self.signed_in.emit(self.dialog.workspace)
