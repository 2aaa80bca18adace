"""The dialogs of File > Import… and File > Export…: the file choosers, the preview of an
import, and a progress bar that can be cancelled."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from todo_desktop.core import interchange
from todo_desktop.core.interchange import ImportResult

LISTED = 500  # skipped rows shown one a line; a hostile file may have 200,000
READS = "Task files (*.json *.csv *.ics *.ical *.txt);;All files (*)"
# Save filters in the order offered; the chosen one names the format (.json is two formats).
WRITES = ("json", "taskwarrior", "csv", "ical")


def write_filter(fmt: str) -> str:
    f = interchange.FORMATS[fmt]
    return f"{f.label} (*{f.extension})"


def choose_import_file(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Import Tasks", "", READS)
    return Path(name) if name else None


def export_target(name: str, chosen_filter: str) -> tuple[Path, str]:
    """The file and format a save dialog's answer means: the filter names the format, unless
    the name's extension asks for another (say ".ics" typed under the JSON filter); a name
    without an extension gets the format's."""
    fmt = next((f for f in WRITES if write_filter(f) == chosen_filter), "json")
    path = Path(name)
    by_suffix = {".json": "json", ".csv": "csv", ".ics": "ical", ".ical": "ical"}.get(path.suffix.lower())
    if not path.suffix:
        path = path.with_name(path.name + interchange.FORMATS[fmt].extension)
    elif (
        by_suffix is not None
        and interchange.FORMATS[by_suffix].extension != interchange.FORMATS[fmt].extension
    ):
        fmt = by_suffix
    return path, fmt


def choose_export_file(parent: QWidget, last: str | None) -> tuple[Path, str] | None:
    filters = [write_filter(f) for f in WRITES]
    chosen = write_filter(last) if last in WRITES else filters[0]
    name, picked = QFileDialog.getSaveFileName(
        parent,
        "Export Tasks",
        "tasks" + interchange.FORMATS[last or "json"].extension,
        ";;".join(filters),
        chosen,
    )
    return export_target(name, picked) if name else None


class ImportPreview(QDialog):
    """What the file holds, in one sentence, and each row that would be skipped, by line."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Tasks")
        self.setMinimumWidth(520)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = QPlainTextEdit(self)
        self.problems.setReadOnly(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = QPushButton("&Import", self)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self._then: Callable[[], None] | None = None
        self.accepted.connect(self._go)

    def open_for(self, name: str, result: ImportResult, then: Callable[[], None]) -> None:
        self._then = then
        self.summary.setText(f"{name}: {interchange.summary(result)}.")
        lines = [p.sentence[:1].upper() + p.sentence[1:] + "." for p in result.skipped[:LISTED]]
        if len(result.skipped) > LISTED:
            lines.append(f"… and {len(result.skipped) - LISTED:,} more.")
        lines += [p.sentence[:1].upper() + p.sentence[1:] + "." for p in result.warnings[:LISTED]]
        self.problems.setPlainText("\n".join(lines))
        self.problems.setVisible(bool(lines))
        self.import_button.setEnabled(bool(result.rows))
        self.import_button.setText(f"&Import {len(result.rows):,}" if result.rows else "&Import")
        self.import_button.setDefault(True)
        self.open()

    def _go(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            then()


class TransferProgress(QDialog):
    """A bar and a Cancel button; cancelling asks the work to stop at its next pause."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Todo Desktop")
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(360)

    def start(self, text: str) -> None:
        self.label.setText(text)
        self.bar.setRange(0, 0)  # busy until the first figures arrive
        self.cancel_button.setEnabled(True)
        self.open()

    def show_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, max(total, 1)))
        self.bar.setFormat(f"{done:,} of {total:,}")

    def reject(self) -> None:  # Escape, or the window's close button, cancel too
        self._cancel()

    def _cancel(self) -> None:
        if self.cancel_button.isEnabled():
            self.cancel_button.setEnabled(False)
            self.label.setText("Stopping…")
            self.cancel_requested.emit()

    def finish(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
