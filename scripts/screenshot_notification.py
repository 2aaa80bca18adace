"""Picture a reminder as the desktop shows it: ``python scripts/screenshot_notification.py``.

A real X server (Xvfb), a private D-Bus session and a real freedesktop notification server
(Debian's ``notification-daemon``) run for the length of the script; the app's own notifier
sends one reminder through D-Bus, exactly as a due reminder is sent, and the screen is
grabbed to ``docs/screenshot-notification.png``. Needs: ``apt-get install xvfb
notification-daemon`` (and ``dbus-daemon``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshot-notification.png"
DAEMON = Path("/usr/lib/notification-daemon/notification-daemon")
SCREEN = (900, 260)
DISPLAY = ":87"


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def main() -> int:
    if not DAEMON.exists():
        raise SystemExit("Needs Debian's notification-daemon: apt-get install notification-daemon xvfb")
    env = {**os.environ, "DISPLAY": DISPLAY}
    width, height = SCREEN
    xvfb = _start(["Xvfb", DISPLAY, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"], env)
    bus = _start(["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"], env)
    address = bus.stdout.readline().strip() if bus.stdout else ""
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    time.sleep(1.0)  # the X server takes its socket
    daemon = _start([str(DAEMON)], env)
    try:
        time.sleep(1.0)  # the daemon takes its name on the bus
        os.environ.update({"DISPLAY": DISPLAY, "QT_QPA_PLATFORM": "xcb"})
        return _show_and_grab(address)
    finally:
        for process in (daemon, bus, xvfb):
            process.terminate()
            process.wait(5)


def _show_and_grab(address: str) -> int:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from todo_desktop.core.reminders import Reminder
    from todo_desktop.ui.chrome.icons import app_icon_png
    from todo_desktop.ui.reminders.freedesktop import FreedesktopNotifier, app_icon_name
    from todo_desktop.ui.reminders.wording import reminder_notice

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    notifier = FreedesktopNotifier.open(address, icon=app_icon_name(app_icon_png(128)))
    if notifier is None:
        raise SystemExit("The notification server did not answer on the private bus.")
    now = datetime.now(UTC)
    due = now.replace(hour=15, minute=0, second=0, microsecond=0) + timedelta(days=1 if now.hour >= 15 else 0)
    reminder = Reminder(uuid.uuid4(), "Send the slides to Priya", due - timedelta(minutes=30), due)
    notifier.show(reminder_notice(reminder, now))
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:  # the server draws its bubble
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)
    image = _cropped(app.primaryScreen().grabWindow(0).toImage())
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(OUTPUT)):
        raise SystemExit(f"Could not write {OUTPUT}")
    print(OUTPUT)
    return 0


def _cropped(image: QImage) -> QImage:
    """The bubble and a margin: everything on the empty (black) screen that is not black."""
    from PySide6.QtGui import QColor

    black = QColor(0, 0, 0).rgb()
    xs, ys = [], []
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            if image.pixel(x, y) != black:
                xs.append(x)
                ys.append(y)
    if not xs:
        raise SystemExit("The notification server drew nothing.")
    margin = 12
    left, top = max(min(xs) - margin, 0), max(min(ys) - margin, 0)
    right, bottom = min(max(xs) + margin, image.width()), min(max(ys) + margin, image.height())
    return image.copy(left, top, right - left, bottom - top)


if __name__ == "__main__":
    raise SystemExit(main())
