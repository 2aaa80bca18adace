"""Render the real main window with sample tasks to a PNG, offscreen: ``python scripts/screenshot.py``.

A throwaway embedded database (in a temporary ``TODO_DESKTOP_HOME``) gets fifteen everyday
tasks: overdue, due today, later, undated and done, in every priority, several with notes.
The window opens on it exactly as the app does, one task is selected so the details pane
shows, and once the list, counts and details have arrived the window is grabbed.

    python scripts/screenshot.py                  # docs/screenshot.png
    python scripts/screenshot.py --dark           # docs/screenshot-dark.png
    python scripts/screenshot.py --scale 2        # docs/screenshot@2x.png (200% scaling)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from todo_desktop.core.smart_lists import local_day_start
from todo_desktop.core.values import Priority, ReminderSetting, SmartList, TaskDraft

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SELECTED = "Prepare the quarterly report"
TIMEOUT_S = 60.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dark", action="store_true", help="force the dark palette")
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR, e.g. 2 for 200%%")
    parser.add_argument("--size", default="1100x700", help="window size in logical pixels (WxH)")
    parser.add_argument(
        "--font-pt", type=float, help="base font size in points, as a large-text setting would set it"
    )
    parser.add_argument(
        "--list", default="inbox", choices=[m.value for m in SmartList], help="the list shown"
    )
    parser.add_argument("--empty", action="store_true", help="a first start: no tasks at all")
    parser.add_argument("--output", type=Path, help="PNG to write (default: docs/screenshot*.png)")
    args = parser.parse_args(argv)
    if args.output is None:
        dark = "-dark" if args.dark else ""
        scale = f"@{args.scale:g}x" if args.scale != 1 else ""
        font = f"-{args.font_pt:g}pt" if args.font_pt else ""
        shown = "-empty" if args.empty else ("" if args.list == "inbox" else f"-{args.list}")
        args.output = DOCS / f"screenshot{shown}{dark}{scale}{font}.png"
    return args


def sample_drafts(now: datetime, zone: tzinfo) -> list[TaskDraft]:
    """Fifteen tasks a person might really have; times are relative to ``now`` in ``zone``."""

    def day(days: int, hour: int, minute: int = 0) -> datetime:
        at = local_day_start(now, zone, days) + timedelta(hours=hour, minutes=minute)
        # "Due today" must still be ahead of now, or it would show as overdue.
        return max(at, now + timedelta(hours=1)) if days == 0 else at

    low, medium, high, urgent = Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.URGENT
    return [
        TaskDraft(
            "Pay the electricity bill", "Reference 4471-0935; the direct debit failed.", urgent, day(-1, 9)
        ),
        TaskDraft(
            "Renew passport", "Photos are in the top drawer. Needs a countersignature.", high, day(-3, 12)
        ),
        TaskDraft("Renew the car insurance", None, medium, day(-5, 17)),
        TaskDraft(
            "Send the slides to Priya",
            "Version 3, with the updated budget chart.",
            high,
            day(0, 15),
            tags=("work",),
            reminder=ReminderSetting(before_due=timedelta(minutes=30)),
        ),
        TaskDraft("Call the plumber about the kitchen tap", None, medium, day(0, 17, 30), tags=("home",)),
        TaskDraft(
            "Review Alex's pull request", "Focus on the migration and the retry logic.", medium, day(1, 11)
        ),
        TaskDraft("Book a table for Friday dinner", None, low, day(1, 18), tags=("family",)),
        TaskDraft(
            SELECTED,
            "Sections: revenue, hiring, risks.\nAsk finance for the final numbers by Wednesday.\n"
            "Keep it to two pages.",
            urgent,
            day(2, 16),
        ),
        TaskDraft("Order printer toner", None, low, day(4, 10), tags=("work", "errands")),
        TaskDraft(
            "Dentist appointment", "Dr. Okafor at 9:15. Bring the insurance card.", medium, day(6, 9, 15)
        ),
        TaskDraft(
            "Plan the team offsite", "Three venues shortlisted; budget 40 per person.", high, day(12, 10)
        ),
        TaskDraft("Back up the photo library", None, medium, day(7, 20), repeat="FREQ=WEEKLY"),
        TaskDraft("Read 'Designing Data-Intensive Applications'", None, low),
        TaskDraft("Submit the expense report", None, high, day(-2, 12), completed=True),
        TaskDraft("Buy groceries", "Milk, eggs, spinach, coffee beans.", medium, completed=True),
    ]


def wait_until(condition: Callable[[], bool], what: str) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"Timed out waiting for {what}.")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)  # let the worker threads have the interpreter


def quiet() -> None:
    """No offscreen-plugin chatter, and no notice about the keyring turned off on purpose."""
    import logging

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(f"Qt {kind.name}: {message}", file=sys.stderr)

    qInstallMessageHandler(handler)
    logging.getLogger("todo_desktop.machine.secret_store").setLevel(logging.ERROR)


def render(args: argparse.Namespace, home: Path) -> Path:
    # Imported here, after main() set QT_QPA_PLATFORM and QT_SCALE_FACTOR.
    from keyring.backends import fail
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from todo_desktop import APP_ID, APP_NAME
    from todo_desktop.core.clock import LocalZone
    from todo_desktop.core.ports import Workspace
    from todo_desktop.db.local.opener import open_local
    from todo_desktop.db.passwords import MINIMUM_COST
    from todo_desktop.db.reminders import ReminderRepository
    from todo_desktop.machine.paths import HOME_ENV, AppPaths
    from todo_desktop.machine.secret_store import SecretStore
    from todo_desktop.ui.chrome.settings import open_settings
    from todo_desktop.ui.chrome.theme import apply_theme
    from todo_desktop.ui.main_window import MainWindow

    quiet()
    paths = AppPaths.from_environment({HOME_ENV: str(home)})
    # Never the person's keyring: this account is thrown away with the folder.
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    local = open_local(paths, secrets, kdf_cost=MINIMUM_COST)
    try:
        zone = LocalZone()
        now = datetime.now(UTC)
        for draft in () if args.empty else sample_drafts(now, zone):
            local.tasks.create(draft)
        # A made-up person, so the picture never shows the login name of whoever ran this.
        account = replace(local.signed_in.account, first_name="Sam", last_name="Rivera")
        reminders = ReminderRepository(local.db, local.signed_in.token)
        workspace = Workspace(tasks=local.tasks, account=account, where="this computer", reminders=reminders)

        app = QApplication.instance() or QApplication([sys.argv[0]])
        assert isinstance(app, QApplication)
        app.setApplicationName(APP_NAME)
        apply_theme(app, Qt.ColorScheme.Dark if args.dark else Qt.ColorScheme.Light)
        if args.font_pt:
            # Unlike QT_SCALE_FACTOR this grows text only: fixed pixel sizes in a layout show up.
            font = app.font()
            font.setPointSizeF(args.font_pt)
            app.setFont(font)
        width, height = (int(n) for n in args.size.lower().split("x"))
        settings = open_settings(home / "settings.ini")  # reminders and the tray keep theirs here
        window = MainWindow(lambda: workspace, zone=zone, settings=settings)
        window.resize(width, height)
        window.show()
        window.activateWindow()
        window.open_workspace()
        window.navigator.show_list(SmartList(args.list))
        if args.empty:
            wait_until(lambda: window.area.stack.currentWidget() is window.area.table, "the empty list")
            wait_until(lambda: window.navigator.counts is not None, "the list counts")
        else:
            model = window.tasks.model
            wait_until(
                lambda: window.area.stack.currentWidget() is window.area.table and model.rowCount() > 0,
                "the task list",
            )
            wait_until(lambda: window.navigator.counts is not None, "the list counts")
            wait_until(lambda: bool(model.reminded), "the reminders' bells")
            rows = [r for r in range(model.rowCount()) if model.task_at(r) is not None]
            row = next((r for r in rows if model.task_at(r).title == SELECTED), rows[0])
            window.area.table.setFocus()
            window.area.table.selectRow(row)
            selected_id = model.task_at(row).id
            wait_until(lambda: window.details.task_id == selected_id, "the details pane")
        wait_until(lambda: window.workers.pending_writes == 0, "pending writes")
        # One more turn for the repaints the last replies asked for.
        wait_until(lambda: True, "")
        app.processEvents()
        image = window.grab()
        args.output.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(args.output)):
            raise SystemExit(f"Could not write {args.output}")
        window.close()
        window.workers.wait_for_all(10_000)
        return args.output
    finally:
        local.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Offscreen always: the same picture on a desktop, a server or CI.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["QT_SCALE_FACTOR"] = f"{args.scale:g}"
    home = Path(tempfile.mkdtemp(prefix="todo-screenshot-"))
    try:
        written = render(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    shown = written.relative_to(ROOT) if written.is_relative_to(ROOT) else written
    print(f"Wrote {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
