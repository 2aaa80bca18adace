"""One OpenSSL in the bundle: psycopg-binary's, for Python's ssl and hashlib too.

psycopg-binary brings libpq with its own OpenSSL 3 (renamed libssl-<hash>.so.3 and
libcrypto-<hash>.so.3), which does the TLS to a database. Python's _ssl and _hashlib link the
build machine's OpenSSL 3, a second copy (5.3 MB) that nothing else uses; the app never opens a
TLS socket through Python (psycopg imports ssl only for an OpenSSL 1.0 threading set-up,
asyncio imports it in case it is needed), and hashes only through hashlib. OpenSSL keeps its ABI
across 3.x releases, so the two modules are relinked (patchelf) to psycopg-binary's copy, found
through their run path, and the build machine's copy stays out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from bundling import BuildError, TocEntry, note
from bundling.elf import needed

SYSTEM = {"libssl.so.3", "libcrypto.so.3"}
# auditwheel's renamed copies: the library's name, a hash of its contents, the soname's version.
_PSYCOPG_COPY = re.compile(r"(libssl|libcrypto)-[0-9a-f]{8}\.so\.3")


def one_openssl(binaries: list[TocEntry], out: Path) -> list[TocEntry]:
    """Linux: ``binaries`` with Python's ssl and hashlib modules relinked (copies under
    ``out``) to psycopg-binary's OpenSSL and without the system's, when nothing else needs it."""
    if not sys.platform.startswith("linux"):
        return binaries
    psycopg = psycopg_openssl(binaries)
    modules = [entry for entry in binaries if Path(entry[0]).name.startswith(("_ssl.", "_hashlib."))]
    if set(psycopg) != SYSTEM or not modules:
        note("no OpenSSL 3 from psycopg-binary; Python keeps the system's")
        return binaries
    if not shutil.which("patchelf"):
        note("no patchelf; Python keeps its own OpenSSL (5.3 MB more)")
        return binaries
    if not all(SYSTEM & needed(Path(src)) for _dest, src, _kind in modules):
        note("Python's ssl is not linked to OpenSSL 3; it keeps its own")
        return binaries
    others = [
        dest
        for dest, src, kind in binaries
        if kind != "SYMLINK"
        and Path(dest).name not in SYSTEM
        and (dest, src, kind) not in modules
        and SYSTEM & needed(Path(src))
    ]
    if others:
        note(f"{others} need the system's OpenSSL; it stays")
        return binaries
    relinked = {dest: str(relink(Path(src), out / dest, dest, psycopg)) for dest, src, _kind in modules}
    names = ", ".join(psycopg[name].name for name in sorted(SYSTEM))
    note(f"Python's ssl and hashlib use {names}, not the system's OpenSSL")
    return [
        (dest, relinked.get(dest, src), kind) for dest, src, kind in binaries if Path(dest).name not in SYSTEM
    ]


def psycopg_openssl(binaries: list[TocEntry]) -> dict[str, Path]:
    """psycopg-binary's OpenSSL libraries, by the system name each stands in for, as paths in
    the bundle."""
    found = {}
    for dest, _src, kind in binaries:
        match = _PSYCOPG_COPY.fullmatch(Path(dest).name)
        if match and Path(dest).parent.name == "psycopg_binary.libs" and kind != "SYMLINK":
            found[f"{match[1]}.so.3"] = Path(dest)
    return found


def relink(source: Path, target: Path, dest: str, psycopg: dict[str, Path]) -> Path:
    """A copy of ``source`` at ``target`` that loads psycopg's OpenSSL from the bundle, where
    it sits at ``dest``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    # One change per patchelf run: 0.14 garbles the run path when they are combined.
    for name in sorted(SYSTEM & needed(target)):
        subprocess.run(["patchelf", "--replace-needed", name, psycopg[name].name, str(target)], check=True)
    folder = Path(*[".."] * len(Path(dest).parent.parts)) / psycopg["libssl.so.3"].parent
    subprocess.run(["patchelf", "--set-rpath", f"$ORIGIN/{folder.as_posix()}", str(target)], check=True)
    if SYSTEM & needed(target):
        raise BuildError(f"patchelf left {target} linked to the system's OpenSSL")
    return target
