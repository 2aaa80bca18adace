"""Files that are replaced whole: a crash at any moment leaves the old file or the new one,
never half of one, and only this user can read either."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` survive a power cut (POSIX only; Windows has no folder fsync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def private_folder(folder: Path) -> None:
    """Create ``folder`` if needed, readable by this user alone."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        folder.chmod(0o700)  # mkdir's mode is filtered by the umask


def write_atomically(path: Path, data: bytes) -> None:
    """Make ``path`` hold exactly ``data``, mode 0600: write a new file beside it, fsync it,
    rename it over the old one, and fsync the folder."""
    # A random name opened with O_EXCL and O_NOFOLLOW: nobody can plant a link for us to follow.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    try:
        try:
            if os.name == "posix":
                os.fchmod(fd, 0o600)  # exact, whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_folder(path.parent)
