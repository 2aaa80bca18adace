"""The app's log file, readable by its owner alone (DESIGN.md section 5).

An unexpected error is logged in full, and a full report may quote what a person typed or
what the database said; on a shared machine, or run as root with a 022 umask, a file
created with the default mode would let anyone read it.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
from pathlib import Path

LOG_FILE_NAME = "todo-desktop.log"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 2_000_000
BACKUP_COUNT = 3
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
# O_NOFOLLOW: a symlink planted in place of the log must not redirect it (or its chmod).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file, new or inherited from an older version, is 0600."""

    def _open(self) -> io.TextIOWrapper:
        # Called for the first file and again after each rollover.
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND | _NOFOLLOW, PRIVATE_FILE)
        if os.name == "posix":
            try:
                # The mode given to open applies only to a new file, and only through the umask.
                os.fchmod(fd, PRIVATE_FILE)
            except BaseException:
                os.close(fd)
                raise
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def open_log_file(folder: Path) -> PrivateRotatingFileHandler:
    """The handler the app logs to; raises OSError when the folder or file cannot be made."""
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    handler = PrivateRotatingFileHandler(
        folder / LOG_FILE_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    if os.name == "posix":
        _restrict_backups(folder)
    return handler


def _restrict_backups(folder: Path) -> None:
    # Rotated files keep the mode they were written with; older versions wrote them 0644.
    for number in range(1, BACKUP_COUNT + 1):
        backup = folder / f"{LOG_FILE_NAME}.{number}"
        if backup.is_file() and not backup.is_symlink():
            backup.chmod(PRIVATE_FILE)
