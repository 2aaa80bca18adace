"""Symbol tables and debug info out of the bundled binaries, where the loaded image stays the
same.

A Python built from source (pyenv) ships libpython with its debug info (23 MB; 5.5 MB
without), and some libraries keep their symbol tables (ICU's, 1.4 MB; the PostgreSQL server).
``strip --strip-unneeded`` keeps the dynamic symbols that loading, and PostgreSQL's own
modules, need. A stripped copy is used only if what the dynamic loader reads is unchanged: the
same program headers and the same bytes in every loaded segment. Files that auditwheel or the
PySide6 build edited with patchelf can have allocated sections outside any segment, which strip
then moves (a stripped initdb crashes at once); those fail the comparison and stay as they are.
PyInstaller's own ``strip=True`` has no such check.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bundling import TocEntry, note
from bundling.elf import has_symbols, loaded_image


def stripped(binaries: list[TocEntry], out: Path) -> list[TocEntry]:
    """Linux: ``binaries`` with stripped copies, written under ``out``, in place of the files
    that have symbols and load the same without them."""
    if not sys.platform.startswith("linux") or not shutil.which("strip"):
        note("strip (binutils) missing; binaries keep their symbols")
        return binaries
    result = []
    for dest, src, kind in binaries:
        target = out / dest
        if kind != "SYMLINK" and has_symbols(Path(src)) and strip_copy(Path(src), target):
            result.append((dest, str(target), kind))
        else:
            result.append((dest, src, kind))
    return result


def strip_copy(source: Path, target: Path) -> bool:
    """Writes ``source`` stripped to ``target`` and keeps it only if the loader would see the
    same image; whether ``target`` was kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["strip", "--strip-unneeded", "-o", str(target), str(source)], check=True)
    if loaded_image(target) == loaded_image(source):
        # strip -o writes with the default mode; a program must stay executable.
        shutil.copymode(source, target)
        return True
    target.unlink()
    return False
