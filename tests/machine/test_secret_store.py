"""SecretStore: in-memory keyring backends for the logic, one real Secret Service for the truth."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError

from tests.support.memory_keyring import MemoryKeyring as DictKeyring
from tests.support.repo import ROOT as PROJECT_ROOT
from todo_desktop.machine.secret_store import FALLBACK_FILE_NAME, SecretStore

SERVICE = "todo-desktop-test"
KEY = "profile:work:password"
SECRET = "correct horse battery staple 7f3a"  # distinctive, so a leak into logs is easy to see

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


class BrokenKeyring(DictKeyring):
    """A keyring whose every call fails, the way a dead D-Bus service does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError(f"broken while reading {username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        # Some backends echo their arguments; the store must scrub that before logging.
        raise KeyringError(f"broken while writing {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("broken while deleting")


class EmptyChainer(chainer.ChainerBackend):
    """What keyring.get_keyring() returns when it found nothing but placeholders."""

    backends = (fail.Keyring(), null.Keyring())  # type: ignore[assignment]


class DroppingKeyring(DictKeyring):
    """A keyring that accepts writes and keeps nothing."""

    def set_password(self, service: str, username: str, password: str) -> None:
        pass


def file_store(tmp_path: Path, backend: KeyringBackend) -> SecretStore:
    return SecretStore(SERVICE, tmp_path / "data", backend, allow_file_fallback=True)


def secrets_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / FALLBACK_FILE_NAME


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_one_sentence(text: str | None) -> None:
    assert text
    assert "\n" not in text
    assert text[0].isupper()
    assert text.endswith(".")
    assert text.count(". ") == 0, text


# --- a working keyring -------------------------------------------------------------------


def test_round_trip_and_delete_in_the_keyring(tmp_path: Path) -> None:
    backend = DictKeyring()
    store = file_store(tmp_path, backend)

    assert store.uses_keyring
    assert store.unusable_reason is None
    assert store.get(KEY) is None
    store.set(KEY, SECRET)
    assert store.get(KEY) == SECRET
    assert backend.entries == {(SERVICE, KEY): SECRET}  # the key is the keyring "username"
    store.delete(KEY)
    assert store.get(KEY) is None
    store.delete(KEY)  # deleting what is not there is fine
    assert store.uses_keyring
    assert not secrets_file(tmp_path).exists()


def test_keys_are_separate(tmp_path: Path) -> None:
    store = file_store(tmp_path, DictKeyring())
    store.set("profile:a:password", "one")
    store.set("local-account:key", "two")
    assert store.get("profile:a:password") == "one"
    assert store.get("local-account:key") == "two"


def test_a_file_copy_moves_into_a_keyring_that_came_back(tmp_path: Path) -> None:
    file_store(tmp_path, fail.Keyring()).set(KEY, SECRET)
    backend = DictKeyring()
    store = file_store(tmp_path, backend)

    assert store.get(KEY) == SECRET
    assert backend.entries == {(SERVICE, KEY): SECRET}
    assert SECRET not in secrets_file(tmp_path).read_text()


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring(), EmptyChainer()])
def test_placeholder_backends_count_as_no_keyring(tmp_path: Path, backend: KeyringBackend) -> None:
    store = SecretStore(SERVICE, tmp_path / "data", backend)
    assert not store.uses_keyring
    assert_one_sentence(store.unusable_reason)


# --- falling back to the private file ----------------------------------------------------


@pytest.mark.parametrize("backend_type", [BrokenKeyring, DroppingKeyring])
def test_falls_back_to_the_file(tmp_path: Path, backend_type: type[DictKeyring]) -> None:
    store = file_store(tmp_path, backend_type())
    store.set(KEY, SECRET)

    assert not store.uses_keyring
    assert store.backend_name == "private file"
    assert_one_sentence(store.unusable_reason)
    assert "private file" in (store.unusable_reason or "")
    assert store.get(KEY) == SECRET
    # A fresh store (the next start of the app) finds it in the file.
    assert file_store(tmp_path, fail.Keyring()).get(KEY) == SECRET
    store.delete(KEY)
    assert store.get(KEY) is None
    assert file_store(tmp_path, fail.Keyring()).get(KEY) is None


def test_a_dropped_write_is_not_left_in_the_keyring(tmp_path: Path) -> None:
    class Mangling(DictKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            super().set_password(service, username, password[:3])

    backend = Mangling()
    store = file_store(tmp_path, backend)
    store.set(KEY, SECRET)
    assert not store.uses_keyring
    assert backend.entries == {}
    assert store.get(KEY) == SECRET


@posix_only
def test_file_and_folder_are_private(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        file_store(tmp_path, fail.Keyring()).set(KEY, SECRET)
    finally:
        os.umask(old_umask)
    assert mode(secrets_file(tmp_path)) == 0o600
    assert mode(tmp_path / "data") == 0o700
    assert [p.name for p in (tmp_path / "data").iterdir()] == [FALLBACK_FILE_NAME]  # no temp left


@posix_only
def test_a_file_others_can_read_is_refused(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    file_store(tmp_path, fail.Keyring()).set(KEY, SECRET)
    secrets_file(tmp_path).chmod(0o644)

    with caplog.at_level(logging.WARNING):
        assert file_store(tmp_path, fail.Keyring()).get(KEY) is None
    assert any("Refusing" in r.getMessage() for r in caplog.records)


def test_memory_only_never_writes_a_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for backend in (fail.Keyring(), BrokenKeyring(), DroppingKeyring()):
        store = SecretStore(SERVICE, data, backend, allow_file_fallback=False)
        store.set(KEY, SECRET)
        assert store.get(KEY) == SECRET
        assert not store.uses_keyring
        assert store.backend_name.startswith("memory")
        assert_one_sentence(store.unusable_reason)
        assert "ask each time" in (store.unusable_reason or "")
        store.delete(KEY)
        assert store.get(KEY) is None
    assert not data.exists()
    assert list(tmp_path.iterdir()) == []
    # Nothing outlives the process: a new store knows nothing.
    assert SecretStore(SERVICE, data, fail.Keyring()).get(KEY) is None


def test_secrets_never_reach_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        for backend in (BrokenKeyring(), DroppingKeyring(), DictKeyring()):
            store = file_store(tmp_path, backend)
            store.set(KEY, SECRET)
            store.get(KEY)
            store.delete(KEY)
        secrets_file(tmp_path).chmod(0o644)
        file_store(tmp_path, fail.Keyring()).get(KEY)
    assert caplog.records, "the failures above should have been logged"
    assert SECRET not in caplog.text
    assert all(SECRET not in record.getMessage() for record in caplog.records)


def test_bad_keys_and_values_are_refused(tmp_path: Path) -> None:
    store = file_store(tmp_path, DictKeyring())
    with pytest.raises(ValueError, match="key"):
        store.set("", SECRET)
    with pytest.raises(TypeError):
        store.set(KEY, b"bytes")  # type: ignore[arg-type]


# --- a real Secret Service ---------------------------------------------------------------

PROBE = PROJECT_ROOT / "tests" / "support" / "keyring_probe.py"


def test_real_secret_service(tmp_path: Path) -> None:
    missing = [tool for tool in ("dbus-run-session", "gnome-keyring-daemon") if not shutil.which(tool)]
    if missing:
        reason = f"{' and '.join(missing)} not installed (Debian: dbus-daemon, gnome-keyring)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must install them: {reason}")
        pytest.skip(reason)

    # A private home, so neither the developer's keyring nor their keyring settings are touched.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DBUS_", "GNOME_KEYRING", "PYTHON_KEYRING", "XDG_"))
    }
    home = tmp_path / "home"
    for sub in ("data", "config", "cache"):
        (home / sub).mkdir(parents=True)
    env |= {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
    }
    # The daemon's sockets live here; a short path stays under the Unix socket length limit.
    with tempfile.TemporaryDirectory(prefix="todo-kr-") as runtime:
        os.chmod(runtime, 0o700)
        env["XDG_RUNTIME_DIR"] = runtime
        result = subprocess.run(
            ["dbus-run-session", "--", sys.executable, str(PROBE)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    output = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, output
    assert "PROBE-OK backend=SecretService Keyring" in result.stdout, output
