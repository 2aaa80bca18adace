"""Nothing secret reaches the log file, and the log file is the user's alone.

An unexpected database error is logged in full, traceback and SQLAlchemy's message
included; that message quotes the bound values unless the engine hides them, and during
sign-in one of those values is the password-equivalent key.
"""

from __future__ import annotations

import base64
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext

from todo_desktop.core.errors import TodoError
from todo_desktop.machine.log_files import LOG_FILE_NAME, open_log_file

EMAIL = "logged@example.com"
PASSWORD = "Unmistakable pass phrase 7f3k"
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")

# A statement-level trigger on every table: whatever the sign-in functions write (the
# attempt, the failure count, the session, the audit row) fails with XX000 (internal_error),
# a state the app maps to no message of its own, so the error takes the "unexpected" path
# that logs it in full. Breaking writes rather than one named function keeps this working
# however the sign-in functions are split or renamed: recording the attempt is a write.
_REFUSE_WRITES = """
CREATE FUNCTION public.refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'writes are refused here' USING ERRCODE = 'XX000';
END $$;
DO $$
DECLARE t regclass;
BEGIN
    FOR t IN SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg_toast%'
    LOOP
        EXECUTE format('CREATE TRIGGER refuse_writes BEFORE INSERT OR UPDATE OR DELETE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_writes()', t);
    END LOOP;
END $$;
"""


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The app's own file handler on the root logger, at the app's default level."""
    folder = tmp_path / "logs"
    handler = open_log_file(folder)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield folder / LOG_FILE_NAME
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()


def _spellings(key: bytes) -> list[str]:
    """How the key could look in text: as Python bytes, hex (also PostgreSQL's \\x form)
    and base64; whole and as a prefix, in case a long value is shortened."""
    head = key[:9]  # 9 bytes: a whole number of base64 groups, so a true prefix of the whole
    forms = [repr(key)[2:-1], repr(head)[2:-1], key.hex(), head.hex()]
    for part in (key, head):
        forms += [base64.b64encode(part).decode().rstrip("="), base64.urlsafe_b64encode(part).decode()]
    return forms


def _carries(params: object, key: bytes) -> bool:
    if isinstance(params, dict):
        return any(_carries(value, key) for value in params.values())
    if isinstance(params, list | tuple):
        return any(_carries(value, key) for value in params)
    return isinstance(params, bytes | bytearray | memoryview) and bytes(params) == key


def test_unexpected_sign_in_error_logs_no_key(test_db, client_db, accounts, log_file):
    accounts.register(EMAIL, "Logged", "Tester", PASSWORD)
    key = accounts.derive_key(EMAIL, PASSWORD)
    failed_with_key: list[bool] = []

    def note_failure(context: ExceptionContext) -> None:
        failed_with_key.append(_carries(context.parameters, key))

    event.listen(client_db.engine, "handle_error", note_failure)
    with test_db.superuser() as conn:
        conn.execute(_REFUSE_WRITES)

    with pytest.raises(TodoError, match="details are in the log"):
        accounts.sign_in_with_key(EMAIL, key)

    # Else the test would prove nothing: the failing statement must be the one sending the key.
    assert any(failed_with_key), "no statement carrying the key failed"
    text = log_file.read_text(encoding="utf-8")
    assert "Unexpected database error" in text
    assert "writes are refused here" in text
    for form in _spellings(key):
        assert form not in text
        assert form.lower() not in text.lower()
    assert PASSWORD not in text
    if os.name == "posix":
        assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700


@posix_only
def test_log_files_made_earlier_become_private(tmp_path):
    folder = tmp_path / "logs"
    folder.mkdir()
    current, backup = folder / LOG_FILE_NAME, folder / f"{LOG_FILE_NAME}.2"
    for path in (current, backup):
        path.write_text("an older version's lines\n", encoding="utf-8")
        path.chmod(0o644)

    handler = open_log_file(folder)
    try:
        assert stat.S_IMODE(current.stat().st_mode) == 0o600
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        old_umask = os.umask(0o022)
        try:
            handler.doRollover()  # the fresh file is made here, under an ordinary umask
        finally:
            os.umask(old_umask)
        assert current.read_text(encoding="utf-8") == ""
        assert stat.S_IMODE(current.stat().st_mode) == 0o600
        assert stat.S_IMODE((folder / f"{LOG_FILE_NAME}.1").stat().st_mode) == 0o600
    finally:
        handler.close()


@posix_only
def test_a_symlink_in_place_of_the_log_is_refused(tmp_path):
    folder = tmp_path / "logs"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("", encoding="utf-8")
    elsewhere.chmod(0o644)
    (folder / LOG_FILE_NAME).symlink_to(elsewhere)
    with pytest.raises(OSError, match="symbolic link"):  # ELOOP, from O_NOFOLLOW
        open_log_file(folder)
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o644
