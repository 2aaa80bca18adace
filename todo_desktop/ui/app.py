"""Start the GUI: the only place the Qt application object is made."""

from __future__ import annotations

import contextlib
import logging
import sys
import types
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from todo_desktop import APP_ID, APP_NAME
from todo_desktop.core.app_services import AppServices
from todo_desktop.core.failures import UNEXPECTED
from todo_desktop.core.ports import ProfileGateway, WorkspaceOpener
from todo_desktop.core.reachability import Reachability
from todo_desktop.ui.chrome.quit_signals import QuitSignals
from todo_desktop.ui.chrome.settings import ORGANIZATION, open_settings
from todo_desktop.ui.chrome.theme import apply_theme
from todo_desktop.ui.main_window import QUIT_WAIT_MS, MainWindow
from todo_desktop.ui.workers import Workers

_log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from todo_desktop.ui.chrome.instance_server import InstanceServer

# Quitting with edits kept offline: how long jobs still running may take to end by themselves.
LET_GO_MS = 300


def run_gui(
    opener: WorkspaceOpener,
    argv: list[str],
    *,
    profiles: ProfileGateway | None = None,
    settings_path: Path | None = None,
    reachability: Reachability | None = None,
    left_running: list[QObject] | None = None,
    quit_signals: QuitSignals | None = None,
    instance_address: str | None = None,
    services: AppServices | None = None,
) -> int:
    """Show the main window at once, open the workspace in the background, run the event loop.

    ``opener`` opens the Local profile on a worker thread; it may take seconds (starting the
    embedded server). ``profiles`` knows the shared profiles and signs in to them; without it
    only Local exists. ``settings_path`` is the INI file for window sizes; without it, the
    platform's usual settings location is used. ``reachability`` is what the databases tell
    while an operation waits for a connection ("Waking the database…").

    ``left_running``: when the person quit with edits kept in the outbox while the database
    was away, the jobs still waiting out connection retries are not waited for; their pools
    (and what they report to) are put here, and the caller ends the process without waiting
    for them (they would hold it up to the retry budget). Without it they are waited for,
    as on any other quit.

    ``quit_signals``, already catching: while the event loop runs, each of its signals (the
    session ending, Ctrl+C in a terminal) quits as Ctrl+Q does. The caller keeps catching
    them until it has stopped what it started, so a late one cannot cut that short.

    ``instance_address``: where to listen for a second start (which brings this window
    forward) and for ``todo-desktop add`` (whose task is added as quick add adds one). The
    caller holds the instance lock; None: no listening.

    ``services``: backups of the local database and the person's rights over their data.
    """
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    apply_theme(app)  # before any widget exists, so every one is built with the right palette
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setDesktopFileName(APP_ID)
    workers = Workers()
    window = MainWindow(
        opener,
        profiles,
        workers,
        settings=open_settings(settings_path),
        reachability=reachability,
        services=services,
    )
    # An exception escaping a slot is logged and becomes one friendly line, not a dialog
    # or a dead window; the previous hook comes back when the window is gone.
    previous_hook = sys.excepthook
    sys.excepthook = partial(report_unexpected, window.show_message)
    # Before the window shows, so a command sent a moment after the start finds it.
    instance = _listen(window, instance_address) if instance_address is not None else None
    watching: contextlib.AbstractContextManager[None] = (
        quit_signals.watching(window, _QuitOnSignal(app, window))
        if quit_signals is not None
        else contextlib.nullcontext()
    )
    try:
        with watching:
            window.show()
            window.open_workspace()
            code = app.exec()
            if instance is not None:
                instance.close()  # a command from now on waits for the lock, then opens the database
        # Edits kept in the outbox while the database is away are safe in its file: jobs
        # still waiting out connection retries are handed over, not waited for. Otherwise
        # the window normally waited already; this covers quitting without closing it (say,
        # the session ending), so queued edits still reach the database.
        kept = window.leaving_offline or (
            window.edits_kept_offline() > 0 and workers.wait_for_edits(QUIT_WAIT_MS)
        )
        if kept and left_running is not None:
            left_running.extend(workers.let_go(LET_GO_MS))
        elif not kept:
            workers.wait_for_writes(QUIT_WAIT_MS)
    finally:
        sys.excepthook = previous_hook
    return code


def _listen(window: MainWindow, address: str) -> InstanceServer | None:
    """The instance server, listening; None when this build has no QtNetwork (see the log)."""
    try:
        from todo_desktop.ui.chrome.instance_server import InstanceServer, WindowRequests
    except ImportError as exc:  # a bundle made without QtNetwork: the window still works
        logging.getLogger(__name__).warning("No instance socket: %s", exc)
        return None
    server = InstanceServer(WindowRequests(window.outside_desk()), window)
    server.listen(address)
    return server


class _QuitOnSignal:
    """A quit signal does what Ctrl+Q does, for a person who may no longer be there to answer."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        self._app = app
        self._window = window

    def __call__(self, _number: int) -> None:
        if not self._window.isVisible():  # closed already, yet something holds the loop
            self._app.quit()
            return
        # Closed, the last window's going ends the event loop, a dialog's own included.
        # Refused, the window says why (still saving), and the next signal quits anyway,
        # as a second Ctrl+Q does.
        self._window.close_unattended()


def report_unexpected(
    say: Callable[[str], None],
    kind: type[BaseException],
    error: BaseException,
    trace: types.TracebackType | None,
) -> None:
    """For sys.excepthook: log the details, tell the person one friendly line."""
    _log.error("Unexpected error in the window", exc_info=(kind, error, trace))
    say(UNEXPECTED)
