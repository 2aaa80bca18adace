"""Start at login: an XDG autostart entry on Linux and the other freedesktop desktops.

The entry starts the program that is running now (the frozen executable, or this Python with
``-m todo_desktop``), so it keeps working from a bundle, a virtual environment or a source
checkout. Other platforms are refused in one sentence for now.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from todo_desktop import APP_ID, APP_NAME
from todo_desktop.core.errors import TodoError
from todo_desktop.machine.atomic_file import write_atomically

ENTRY_NAME = f"{APP_ID}.desktop"
UNAVAILABLE = "Starting at login is not available on this platform yet."
# The Exec key's quoting rules (Desktop Entry Specification, "The Exec key"): an argument
# holding any of these must be quoted.
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = '"`$\\'


class AutostartError(TodoError):
    """Starting at login could not be switched on or off; one sentence for the person."""


def launch_command(executable: str | None = None, *, frozen: bool | None = None) -> list[str]:
    """The command that starts this app the way it runs now."""
    program = executable if executable is not None else sys.executable
    if frozen if frozen is not None else bool(getattr(sys, "frozen", False)):
        return [program]
    return [program, "-m", "todo_desktop"]


def exec_line(command: Sequence[str]) -> str:
    """``command`` as a desktop entry's Exec value, quoted and escaped as the spec asks."""
    parts = []
    for arg in command:
        if arg == "" or any(ch in _RESERVED for ch in arg):
            inner = "".join("\\" + ch if ch in _ESCAPED_IN_QUOTES else ch for ch in arg)
            arg = f'"{inner}"'
        # "%" starts a field code; a literal one is doubled.
        parts.append(arg.replace("%", "%%"))
    line = " ".join(parts)
    # Then the string-level escapes every desktop entry value has (a backslash is doubled).
    return line.replace("\\", "\\\\").replace("\n", "\\n")


def entry_text(command: Sequence[str]) -> str:
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        f"Name={APP_NAME}",
        "Comment=A keyboard-first task manager",
        f"Exec={exec_line(command)}",
        f"Icon={APP_ID}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
    ]
    return "\n".join(lines) + "\n"


class Autostart:
    """Switches the autostart entry on and off; ``environ`` and ``platform`` are for tests."""

    def __init__(
        self,
        command: Sequence[str] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        platform: str | None = None,
    ) -> None:
        self._command = list(command) if command is not None else launch_command()
        self._environ = os.environ if environ is None else environ
        self._platform = sys.platform if platform is None else platform

    @property
    def available(self) -> bool:
        # The freedesktop autostart folder is what Linux and BSD desktops read.
        return self._platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))

    @property
    def path(self) -> Path:
        config = self._environ.get("XDG_CONFIG_HOME", "")
        # The spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
        base = Path(config) if config and Path(config).is_absolute() else Path.home() / ".config"
        return base / "autostart" / ENTRY_NAME

    def enabled(self) -> bool:
        return self.available and self.path.is_file()

    def enable(self) -> None:
        if not self.available:
            raise AutostartError(UNAVAILABLE)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, entry_text(self._command).encode("utf-8"))
        except OSError as exc:
            raise AutostartError(f"Could not set up starting at login: {exc.strerror or exc}.") from exc

    def disable(self) -> None:
        if not self.available:
            raise AutostartError(UNAVAILABLE)
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise AutostartError(f"Could not stop starting at login: {exc.strerror or exc}.") from exc

    def set_enabled(self, on: bool) -> None:
        if on:
            self.enable()
        else:
            self.disable()
