"""The form for one shared-database profile, and the per-field messages the dialogs share.

Every field is checked with the same rules the profile store uses; each problem appears as
one sentence under its field. Saving (the keyring) and testing (the network) run on workers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from todo_desktop.core.errors import InputErrors, TodoError, ValidationError
from todo_desktop.core.ports import ConnectionReport, ProfileGateway
from todo_desktop.core.profiles import (
    DEFAULT_PORT,
    Profile,
    TlsMode,
    check_profile,
    is_pooler_host,
    new_profile_id,
    parse_profile_url,
)
from todo_desktop.ui.chrome.grow_to_fit import GrowToFit
from todo_desktop.ui.chrome.theme import error_style
from todo_desktop.ui.workers import Workers

TLS_CHOICES = (
    (TlsMode.VERIFY_FULL, "verify-full: check the certificate and host name (recommended)"),
    (TlsMode.VERIFY_CA, "verify-ca: check the certificate, not the host name"),
    (TlsMode.REQUIRE, "require: encrypt, but do not check the certificate"),
)
TESTING = "Testing the connection…"
SAVING = "Saving…"
IN_KEYRING = "Kept in the system keyring"
UNTIL_QUIT = "Kept only until you quit: no system keyring"


def address(profile: Profile) -> str:
    """host:port, always with the port, so two servers on one host never look alike."""
    host = f"[{profile.host}]" if ":" in profile.host else profile.host  # an IPv6 address
    return f"{host}:{profile.port}"


def problems(exc: TodoError) -> dict[str, str]:
    """One sentence per field name, from whatever the checks raised."""
    if isinstance(exc, InputErrors):
        return exc.by_field
    if isinstance(exc, ValidationError):
        return {exc.field: exc.message}
    return {"form": exc.message}


class FieldErrors:
    """Red sentences under form fields, one label per field name."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}
        self.rows: dict[str, QWidget] = {}  # each field with its label, to show or hide together

    def wrap(self, name: str, field: QWidget, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        label = QLabel(box)
        label.setWordWrap(True)
        label.setStyleSheet(error_style())
        label.setAccessibleName(f"Problem with {name.replace('_', ' ')}")
        label.hide()
        layout.addWidget(label)
        self.labels[name] = label
        self.rows[name] = box
        for editor in (field, *field.findChildren(QWidget)):
            _on_edit(editor, partial(self.clear, name))
        return box

    def clear(self, name: str) -> None:
        """The person is changing the field: its sentence is about what was there before."""
        self.labels[name].clear()
        self.labels[name].hide()

    def show(self, errors: dict[str, str]) -> None:
        for name, label in self.labels.items():
            text = errors.get(name, "")
            label.setText(text)
            label.setVisible(bool(text))

    def text(self, name: str) -> str:
        return self.labels[name].text()


def _on_edit(widget: QWidget, call: Callable[[], None]) -> None:
    # Only the person's own edits: a field filled in by the dialog says nothing about its message.
    if isinstance(widget, QLineEdit):
        widget.textEdited.connect(lambda _text: call())
    elif isinstance(widget, QComboBox):
        widget.activated.connect(lambda _index: call())
    elif isinstance(widget, QSpinBox):
        widget.valueChanged.connect(lambda _value: call() if widget.hasFocus() else None)


def form_row(
    form: QFormLayout, parent: QWidget, errors: FieldErrors, name: str, text: str, field: QWidget
) -> None:
    field.setAccessibleName(text.replace("&", "").rstrip(":"))
    label = QLabel(text, parent)
    label.setBuddy(field)  # Alt+letter focuses the field itself, not its wrapper
    form.addRow(label, errors.wrap(name, field, parent))


class ProfileEditor(QDialog):
    """Add or edit one "Shared PostgreSQL / Neon" profile. ``profile`` holds the saved result."""

    def __init__(
        self,
        gateway: ProfileGateway,
        workers: Workers,
        profile: Profile | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit connection" if profile else "Add connection")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self._gateway = gateway
        self._workers = workers
        self._id = profile.id if profile else new_profile_id()
        self._view = workers.new_view("profile-editor")
        self.profile: Profile | None = None
        self.errors = FieldErrors()
        self._keyring_works: bool | None = None  # not known until the keyring answers
        self._build(profile is not None)
        if profile is not None:
            self._fill(profile)
        GrowToFit(self)
        self._workers.read(
            f"{self._view}-keyring", gateway.keyring_problem, self._show_keyring, lambda _: None
        )

    def _build(self, existing: bool) -> None:
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.hide()
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("postgresql://user:password@ep-….neon.tech/neondb?sslmode=require")
        self.url_edit.returnPressed.connect(self.fill_from_url)
        fill = QPushButton("&Fill in", self)
        fill.setAccessibleName("Fill in from the URL")
        fill.clicked.connect(self.fill_from_url)
        url_row = QWidget(self)
        url_layout = QHBoxLayout(url_row)
        url_layout.setContentsMargins(0, 0, 0, 0)
        url_layout.addWidget(self.url_edit, 1)
        url_layout.addWidget(fill)

        self.name_edit = QLineEdit(self)
        self.host_edit = QLineEdit(self)
        self.host_edit.setPlaceholderText("ep-cool-darkness-123456.us-east-2.aws.neon.tech")
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.database_edit = QLineEdit(self)
        self.user_edit = QLineEdit(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        # Where a new password goes is said once the keyring has answered, never promised before.
        if existing:
            self.password_edit.setPlaceholderText("Leave empty to keep the saved password")
        self.tls_combo = QComboBox(self)
        for mode, text in TLS_CHOICES:
            self.tls_combo.addItem(text, mode)
        self.binding_check = QCheckBox("Require channel binding", self)

        holder = QWidget(self)
        form = QFormLayout(holder)
        form.setContentsMargins(0, 0, 0, 0)
        form_row(form, holder, self.errors, "url", "Paste a &URL:", url_row)
        self.url_edit.setAccessibleName("Connection URL")
        form_row(form, holder, self.errors, "name", "&Name:", self.name_edit)
        form_row(form, holder, self.errors, "host", "&Host:", self.host_edit)
        form_row(form, holder, self.errors, "port", "&Port:", self.port_spin)
        form_row(form, holder, self.errors, "database", "&Database:", self.database_edit)
        form_row(form, holder, self.errors, "user", "Use&r:", self.user_edit)
        form_row(form, holder, self.errors, "password", "Pass&word:", self.password_edit)
        form_row(form, holder, self.errors, "tls_mode", "&TLS:", self.tls_combo)
        form.addRow("", self.binding_check)

        self.test_button = QPushButton("T&est connection", self)
        self.test_button.clicked.connect(self.test_connection)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Connection test result")
        self.warning_label = QLabel(self)
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(error_style(bold=True))
        self.warning_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        # A slot for sentences about no one field (the keyring or disk refused the save).
        form_problem = self.errors.wrap("form", QWidget(self), self)
        layout = QVBoxLayout(self)
        for widget in (self.note, holder, self.test_button, self.result_label, self.warning_label):
            layout.addWidget(widget)
        layout.addWidget(form_problem)
        layout.addWidget(self.buttons)

    def _fill(self, profile: Profile) -> None:
        self.name_edit.setText(profile.name)
        self.host_edit.setText(profile.host)
        self.port_spin.setValue(profile.port)
        self.database_edit.setText(profile.database)
        self.user_edit.setText(profile.user)
        self.tls_combo.setCurrentIndex(max(0, self.tls_combo.findData(profile.tls_mode)))
        self.binding_check.setChecked(profile.channel_binding)

    def _show_keyring(self, reason: str | None) -> None:
        self._keyring_works = not reason
        if not self.password_edit.placeholderText():
            self.password_edit.setPlaceholderText(UNTIL_QUIT if reason else IN_KEYRING)
        if reason:
            self.note.setText(f"{reason} The password is kept only until you quit.")
            self.note.show()

    def fill_from_url(self) -> None:
        try:
            parsed, password = parse_profile_url(self.url_edit.text())
        except ValidationError as exc:
            self.errors.show({"url": exc.message})
            return
        typed_name = self.name_edit.text()
        self._fill(parsed)
        if typed_name.strip():  # a name the person already chose wins over the suggestion
            self.name_edit.setText(typed_name)
        if password:
            self.password_edit.setText(password)
        # The URL may hold the password in the clear; it now lives in the masked field only.
        self.url_edit.clear()
        self.errors.show({})
        kept = "is kept only until you quit" if self._keyring_works is False else "goes to the system keyring"
        self.result_label.setText(f"Filled in from the URL. The password {kept}.")

    def draft(self) -> Profile | None:
        """The checked profile, or None after showing each problem beside its field."""
        draft = Profile(
            id=self._id,
            name=self.name_edit.text(),
            host=self.host_edit.text(),
            port=self.port_spin.value(),
            database=self.database_edit.text(),
            user=self.user_edit.text(),
            tls_mode=self.tls_combo.currentData(),
            # Nothing to tick: the app is safe through any pooler (no session state, no
            # prepared statements); the name is only a hint for upgrades and admin commands.
            pooled=is_pooler_host(self.host_edit.text()),
            channel_binding=self.binding_check.isChecked(),
        )
        try:
            checked = check_profile(draft, self._gateway.profiles().items)
        except TodoError as exc:
            self.errors.show(problems(exc))
            return None
        self.errors.show({})
        return checked

    def _busy(self, text: str | None) -> None:
        self.test_button.setEnabled(text is None)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(text is None)
        if text is not None:
            self.result_label.setText(text)
            self.warning_label.hide()

    def test_connection(self) -> None:
        profile = self.draft()
        if profile is None:
            return
        password = self.password_edit.text() or None
        self._busy(TESTING)
        job = lambda: self._gateway.test_connection(profile, password)  # noqa: E731
        self._workers.read(
            f"{self._view}-test", job, self._tested, self._test_failed, label="test connection"
        )

    def _tested(self, report: ConnectionReport) -> None:
        self._busy(None)
        self.result_label.setText(report.message)
        self.result_label.setStyleSheet("" if report.ok else error_style())
        self.warning_label.setText(report.warning or "")
        self.warning_label.setVisible(bool(report.warning))

    def _test_failed(self, message: str) -> None:
        self._tested(ConnectionReport(ok=False, message=message))

    def save(self) -> None:
        profile = self.draft()
        if profile is None:
            return
        password = self.password_edit.text() or None
        self._busy(SAVING)
        self._workers.write(
            lambda: self._gateway.save_profile(profile, password),
            self._saved,
            self._save_failed,
            label="save profile",
        )

    def _saved(self, profile: Profile) -> None:
        self._busy(None)
        self.profile = profile
        self.accept()

    def _save_failed(self, message: str) -> None:
        self._busy(None)
        self.result_label.setText("")
        self.errors.show({"form": message})
