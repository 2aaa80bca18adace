"""File > Import… and File > Export…, on workers so the window never waits.

Import: a file chooser, the file read and checked on a worker, the preview (its sentence and
the rows it would skip, by line), then one write job per batch (``sync.transfer.ImportJob``),
so the edits a person makes meanwhile keep their turn between batches, and Cancel takes
effect at the next one. Each batch is committed, ids are stable, so a cancelled or failed
import is finished by importing the same file again. The end is one sentence in the status
bar and a reload.

Export: a save dialog whose filter (or the name's extension) picks the format, then every
task read and the file written atomically on a worker; Cancel stops it before anything is
written.

The dialogs are replaceable (``choose_import``, ``choose_export``), so tests and other front
ends can answer without a native file dialog.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from todo_desktop.core import interchange
from todo_desktop.core.failures import Failure
from todo_desktop.core.interchange import ImportResult
from todo_desktop.core.ports import Workspace
from todo_desktop.sync.transfer import BATCH, PREPARE_BATCH, ImportJob, SearchPreparer, direct
from todo_desktop.sync.transfer_export import ExportReport, export_file, read_file
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.session import READ_ONLY
from todo_desktop.ui.transfer.dialogs import (
    ImportPreview,
    TransferProgress,
    choose_export_file,
    choose_import_file,
)
from todo_desktop.ui.window_parts import WindowParts

NOT_OPEN = "No workspace is open; open one to import or export."
BUSY = "An import or export is under way; wait for it, or cancel it."
WAITING = "Edits are still waiting for the database; import once they have been sent."
ChooseImport = Callable[[QWidget], Path | None]
ChooseExport = Callable[[QWidget, str | None], tuple[Path, str] | None]


class _Relay(QObject):
    """Carries a worker's progress to the GUI thread (a queued signal)."""

    progressed = Signal(int, int)


class TransferFeatures(QObject):
    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        # Replaceable, so tests (and other front ends) can answer without a file dialog.
        self.choose_import: ChooseImport = choose_import_file
        self.choose_export: ChooseExport = choose_export_file
        self.batch_size = BATCH
        self._preview: ImportPreview | None = None
        self._progress: TransferProgress | None = None
        self._job: ImportJob | None = None
        self._stop = threading.Event()  # an export's Cancel, read on its worker
        self._busy = False
        self._last_format: str | None = None
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._progressed)
        parts.session.closed.connect(self._workspace_closed)
        # An import the app did not live to finish (or an undo of many deletes) left search
        # keys waiting: made on opening, in the background.
        parts.session.opened.connect(self._prepare_search)

    def run(self) -> dict[CommandId, Callable[[], object]]:
        return {CommandId.IMPORT: self.start_import, CommandId.EXPORT: self.start_export}

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def preview(self) -> ImportPreview:
        if self._preview is None:
            self._preview = ImportPreview(self._parts.window)
        return self._preview

    @property
    def progress(self) -> TransferProgress:
        if self._progress is None:
            self._progress = TransferProgress(self._parts.window)
            self._progress.cancel_requested.connect(self._cancel)
        return self._progress

    # Import ------------------------------------------------------------------------------

    def _import_refusal(self, workspace: Workspace | None) -> str | None:
        if workspace is None:
            return NOT_OPEN
        if self._busy:
            return BUSY
        if self._parts.session.refusal:
            return self._parts.session.refusal
        if workspace.read_only:
            return workspace.warning or READ_ONLY
        if workspace.outbox is not None and (workspace.outbox.pending_count() or workspace.outbox.offline):
            return WAITING
        return None

    def start_import(self) -> None:
        workspace = self._parts.session.workspace
        refusal = self._import_refusal(workspace)
        if refusal is not None:
            self._parts.say(refusal)
            return
        path = self.choose_import(self._parts.window)
        if path is None or self._parts.session.workspace is not workspace:
            return
        zone = self._parts.zone
        # A file's dates that never show their order are read as the window reads dates typed.
        day_first = self._parts.day_first
        self._busy = True
        self._parts.say(f"Reading {path.name}…")

        def read() -> ImportResult:
            return interchange.read(
                read_file(path), "auto", zone=zone, now=datetime.now(UTC), day_first=day_first
            )

        self._parts.workers.read(
            self._parts.workers.new_view("import-file"),
            read,
            lambda result: self._show_preview(workspace, path, result),
            self._read_failed,
            label="read an import file",
        )

    def _read_failed(self, failure: Failure) -> None:
        self._busy = False
        self._parts.say(str(failure))

    def _show_preview(self, workspace: Workspace | None, path: Path, result: ImportResult) -> None:
        if workspace is None or self._parts.session.workspace is not workspace:
            self._busy = False
            return
        self._parts.say("")
        self.preview.rejected.connect(self._preview_declined)
        self.preview.open_for(path.name, result, lambda: self._begin_import(workspace, result))

    def _preview_declined(self) -> None:
        self.preview.rejected.disconnect(self._preview_declined)
        self._busy = False

    def _begin_import(self, workspace: Workspace, result: ImportResult) -> None:
        self.preview.rejected.disconnect(self._preview_declined)
        refusal = None if self._parts.session.workspace is workspace else NOT_OPEN
        if refusal is None and workspace.outbox is not None and workspace.outbox.pending_count():
            refusal = WAITING
        if refusal is not None:
            self._busy = False
            self._parts.say(refusal)
            return
        self._stop.clear()
        tasks, account = direct(workspace.tasks), workspace.account.id
        self._job = ImportJob(
            tasks, account, result, batch_size=self.batch_size, reminders=workspace.reminders
        )
        self.progress.start(f"Importing {len(result.rows):,} tasks…")
        self.progress.show_progress(0, self._job.total)
        self._next_batch()

    def _next_batch(self) -> None:
        job = self._job
        if job is None:
            return
        if self._stop.is_set() or not self._parts.window.isVisible():  # cancelled, or quitting
            job.cancel()  # between batches: the one that was under way is in
        if job.finished:
            self._end_import(job)
            return
        self._parts.workers.write(job.step, lambda _more: self._batch_done(job), self._batch_failed, "import")

    def _batch_done(self, job: ImportJob) -> None:
        if job is not self._job:
            return
        self.progress.show_progress(job.position, job.total)
        self._next_batch()

    def _batch_failed(self, failure: Failure) -> None:
        job = self._job
        if job is not None:
            sent = f"{job.sent:,} of {job.total:,} tasks went in"
            job.stopped = (
                f"The import stopped ({failure.rstrip('.')}); {sent}; import the file again to finish."
            )
            self._end_import(job)

    def _end_import(self, job: ImportJob) -> None:
        self._job = None
        self._busy = False
        self.progress.finish()
        self._parts.say(job.report().sentence())
        if job.sent:
            self._parts.reload()
            self._prepare_search(self._parts.session.workspace)

    def _prepare_search(self, workspace: Workspace | None) -> None:
        """The search keys an import left for later, a batch per job behind the person's own
        edits; the tasks are found meanwhile, only more slowly. A failure leaves the rest for
        the next opening."""
        tasks = direct(workspace.tasks) if workspace is not None else None
        if not isinstance(tasks, SearchPreparer):
            return

        # On the read side: this is no edit of the person's, nothing to wait for at quit (a
        # batch cut short is made again at the next opening), and never "saving".
        view = self._parts.workers.new_view("search keys")

        def more(made: int) -> None:
            if made == PREPARE_BATCH and self._parts.session.workspace is workspace:
                job = partial(tasks.prepare_search, PREPARE_BATCH)
                self._parts.workers.read(view, job, more, lambda _failure: None, "search keys")

        more(PREPARE_BATCH)

    # Export ------------------------------------------------------------------------------

    def start_export(self) -> None:
        workspace = self._parts.session.workspace
        if workspace is None or self._busy:
            self._parts.say(NOT_OPEN if workspace is None else BUSY)
            return
        chosen = self.choose_export(self._parts.window, self._last_format)
        if chosen is None or self._parts.session.workspace is not workspace:
            return
        path, fmt = chosen
        self._last_format = fmt
        self._busy = True
        self._stop.clear()
        tasks, zone, stop, relay = workspace.tasks, self._parts.zone, self._stop, self._relay
        reminders = workspace.reminders

        def write() -> ExportReport:
            return export_file(
                tasks,
                path,
                fmt,
                zone=zone,
                progress=relay.progressed.emit,
                cancelled=stop.is_set,
                reminders=reminders,
            )

        self.progress.start(f"Exporting to {path.name}…")
        self._parts.workers.read(
            self._parts.workers.new_view("export"), write, self._exported, self._export_failed, label="export"
        )

    def _exported(self, report: ExportReport) -> None:
        self._busy = False
        self.progress.finish()
        self._parts.say(report.sentence())

    def _export_failed(self, failure: Failure) -> None:
        self._busy = False
        self.progress.finish()
        self._parts.say(str(failure))

    # Both --------------------------------------------------------------------------------

    def _progressed(self, done: int, total: int) -> None:
        if self._busy and self._job is None:
            self.progress.show_progress(done, total)

    def _cancel(self) -> None:
        self._stop.set()  # an export reads it on its worker; an import before its next batch

    def _workspace_closed(self) -> None:
        self._cancel()  # what was asked of one workspace never goes on in another
