"""Secrets on this machine: the OS keyring, with an explicit fallback when there is none.

When no keyring is usable (DESIGN.md section 5) the caller chooses the fallback: a private
0600 file in the app's data folder, or, for shared databases, memory only, so the app asks
each time it starts. Calls may block on D-Bus or an unlock prompt: keep them off the GUI thread.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import sys
import threading
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, PasswordDeleteError

from todo_desktop.machine.atomic_file import private_folder, write_atomically

log = logging.getLogger(__name__)

FALLBACK_FILE_NAME = "secrets.json"

_NO_KEYRING = (
    "No system keyring is available (Secret Service not running)"
    if sys.platform.startswith("linux")
    else "No system keyring is available"
)
_FILE_INSTEAD = "secrets are kept in a private file instead."
_ASK_INSTEAD = "the app will ask each time it starts."
# O_NOFOLLOW stops a planted symlink from redirecting our reads and writes elsewhere.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _why_unusable(backend: KeyringBackend) -> str | None:
    """The cause, as a sentence fragment, when ``backend`` cannot keep anything."""
    if isinstance(backend, fail.Keyring):
        return _NO_KEYRING
    if isinstance(backend, null.Keyring):
        return "The system keyring is turned off in the keyring settings"
    placeholder = fail.Keyring | null.Keyring
    if isinstance(backend, chainer.ChainerBackend) and all(
        isinstance(member, placeholder) for member in backend.backends
    ):
        return _NO_KEYRING
    return None


def _describe(exc: BaseException, secret: str | None) -> str:
    # Backend messages are foreign text; make sure the value can never ride along in a log.
    text = f"{type(exc).__name__}: {exc}"
    return text.replace(secret, "***") if secret else text


class SecretStore:
    """Keeps secrets under ``service``, one keyring entry per namespaced key.

    Keys look like ``"local-account:key"`` or ``"profile:<name>:password"``; each is stored
    as the keyring "username" of ``service``. Once the keyring fails, or drops a write, it is
    not trusted again for the life of this object.
    """

    def __init__(
        self,
        service: str,
        fallback_dir: Path | None,
        backend: KeyringBackend | None = None,
        *,
        allow_file_fallback: bool = False,
    ) -> None:
        if not service:
            raise ValueError("service must not be empty")
        self._service = service
        self._file: Path | None = None
        if allow_file_fallback and fallback_dir is not None:
            self._file = fallback_dir / FALLBACK_FILE_NAME
        # Fallback secrets live here too, so a file that cannot be written loses nothing now.
        self._memory: dict[str, str] = {}
        self._lock = threading.RLock()
        self._backend: KeyringBackend | None = None
        self._reason: str | None = None
        if backend is None:
            try:
                backend = keyring.get_keyring()
            except Exception as exc:  # a broken keyring config must not stop the app
                self._give_up("The system keyring could not be loaded", exc)
                return
        cause = _why_unusable(backend)
        if cause is None:
            self._backend = backend
        else:
            self._give_up(cause)

    @property
    def backend_name(self) -> str:
        if self._backend is not None:
            return str(self._backend.name)
        return "private file" if self._file is not None else "memory (this session only)"

    @property
    def uses_keyring(self) -> bool:
        return self._backend is not None

    @property
    def unusable_reason(self) -> str | None:
        """One sentence for a person when the keyring is not in use, else None."""
        return self._reason

    def get(self, key: str) -> str | None:
        _check_key(key)
        with self._lock:
            if self._backend is not None:
                try:
                    value = self._backend.get_password(self._service, key)
                except Exception as exc:
                    self._give_up(_failure_cause(exc), exc)
                else:
                    return value if value is not None else self._adopt_fallback_copy(key)
            return self._memory[key] if key in self._memory else self._file_value(key)

    def set(self, key: str, value: str) -> None:
        _check_key(key)
        if not isinstance(value, str):
            raise TypeError("a secret must be a str")
        with self._lock:
            if self._backend is not None and self._keyring_set(key, value):
                self._forget_fallback_copy(key)
                return
            self._memory[key] = value
            if self._file is not None:
                try:
                    data = self._load_file()
                    data.setdefault(self._service, {})[key] = value
                    self._write_file(data)
                except OSError as exc:
                    log.warning("Could not write the secrets file: %s", _describe(exc, value))
                    self._reason = f"The private secrets file could not be written; {_ASK_INSTEAD}"

    def delete(self, key: str) -> None:
        """Forget ``key`` everywhere it might be; a key that is not there is not an error."""
        _check_key(key)
        with self._lock:
            if self._backend is not None:
                try:
                    self._backend.delete_password(self._service, key)
                except PasswordDeleteError:
                    pass  # backends report "not found" this way
                except Exception as exc:
                    self._give_up(_failure_cause(exc), exc)
            self._forget_fallback_copy(key)

    def _keyring_set(self, key: str, value: str) -> bool:
        assert self._backend is not None
        try:
            self._backend.set_password(self._service, key, value)
            # Some backends accept a write and keep nothing; only a read-back proves it.
            if self._backend.get_password(self._service, key) == value:
                return True
        except Exception as exc:
            self._give_up(_failure_cause(exc), exc, value)
            return False
        # A wrong value left behind would be read back by the next session.
        with contextlib.suppress(Exception):
            self._backend.delete_password(self._service, key)
        self._give_up("The system keyring did not keep a saved secret")
        return False

    def _adopt_fallback_copy(self, key: str) -> str | None:
        # A secret saved while the keyring was away moves into it once it is back.
        value = self._file_value(key)
        if value is not None and self._keyring_set(key, value):
            self._forget_fallback_copy(key)
        return value

    def _file_value(self, key: str) -> str | None:
        if self._file is None or not self._file.exists():
            return None
        return self._load_file().get(self._service, {}).get(key)

    def _forget_fallback_copy(self, key: str) -> None:
        self._memory.pop(key, None)
        if self._file is None or not self._file.exists():
            return
        data = self._load_file()  # an untrusted file loads as empty, so this also wipes it
        data.get(self._service, {}).pop(key, None)
        try:
            self._write_file(data)
        except OSError as exc:
            log.warning("Could not update the secrets file: %s", _describe(exc, None))

    def _give_up(self, cause: str, exc: BaseException | None = None, secret: str | None = None) -> None:
        self._backend = None
        self._reason = f"{cause}; {_FILE_INSTEAD if self._file is not None else _ASK_INSTEAD}"
        if exc is None:
            log.warning("Not using the system keyring: %s", cause)
        else:
            log.warning("Not using the system keyring: %s (%s)", cause, _describe(exc, secret))

    def _load_file(self) -> dict[str, dict[str, str]]:
        """The file's contents, or {} when it is missing, unreadable, malformed or exposed."""
        assert self._file is not None
        try:
            fd = os.open(self._file, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.warning("Cannot open the secrets file: %s", _describe(exc, None))
            return {}
        with os.fdopen(fd, encoding="utf-8") as fh:
            info = os.fstat(fd)  # of the file actually opened, not whatever the path is now
            if os.name == "posix" and (info.st_mode & 0o077 or info.st_uid != os.getuid()):
                mode = stat.S_IMODE(info.st_mode)
                log.warning("Refusing the secrets file: others may read it (mode %o)", mode)
                return {}
            try:
                data = json.load(fh)
            except (ValueError, OSError):
                log.warning("The secrets file is damaged; ignoring it")
                return {}
        if not isinstance(data, dict) or not all(
            isinstance(section, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in section.items())
            for section in data.values()
        ):
            log.warning("The secrets file has an unexpected shape; ignoring it")
            return {}
        return data

    def _write_file(self, data: dict[str, dict[str, str]]) -> None:
        assert self._file is not None
        private_folder(self._file.parent)
        write_atomically(self._file, json.dumps(data).encode("utf-8"))


def _failure_cause(exc: BaseException) -> str:
    if isinstance(exc, KeyringLocked):
        return "The system keyring is locked"
    return "The system keyring reported an error"


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not key:
        raise ValueError("a secret's key must be a non-empty string")
