"""Whether this machine has a screen for the window, asked before Qt is loaded.

Without one (an SSH session, a container, a service), Qt's X11 plugin fails to connect,
names a library it may also lack, and aborts the process: three lines about plugins and a
core dump, where the person needs one sentence and the commands that work anyway.
"""

from __future__ import annotations

from collections.abc import Mapping

NO_DISPLAY = (
    "There is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set);"
    " todo-desktop add, list, done, import and export work without one."
)


def missing_display(environ: Mapping[str, str], platform: str) -> str | None:
    """The sentence to print when the window has nowhere to go, else None. Only where X11
    or Wayland shows windows: macOS and Windows always have their own. A platform plugin
    named in QT_QPA_PLATFORM (offscreen, vnc, eglfs...) is the person's choice, not asked."""
    if platform.startswith(("win", "darwin", "cygwin")) or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY
