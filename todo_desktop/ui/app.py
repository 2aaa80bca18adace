"""Start the GUI: the only place the Qt application object is made."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from todo_desktop import APP_ID, APP_NAME
from todo_desktop.services import WorkspaceOpener
from todo_desktop.ui.main_window import QUIT_WAIT_MS, MainWindow


def run_gui(opener: WorkspaceOpener, argv: list[str]) -> int:
    """Show the main window at once, open the workspace in the background, run the event loop.

    ``opener`` is called on a worker thread; it may take seconds (starting the embedded
    server, waking a suspended Neon compute).
    """
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    window = MainWindow(opener)
    window.show()
    window.open_workspace()
    code = app.exec()
    # The window normally waited already; this covers quitting without closing it
    # (say, the session ending), so queued edits still reach the database.
    window.workers.wait_for_writes(QUIT_WAIT_MS)
    return code
