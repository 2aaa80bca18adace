"""Child process of ``test_secret_store.py``: SecretStore against a real Secret Service.

Run inside ``dbus-run-session``. It starts ``gnome-keyring-daemon`` on that private bus,
saves, reads back and deletes one secret through ``SecretStore``, stops the daemon, and
prints a single line starting ``PROBE-OK`` or ``PROBE-FAIL`` (exit status 0 or 1). It never
prints the secret itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid

from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

SECRETS_BUS_NAME = "org.freedesktop.secrets"
SERVICE = "todo-desktop-probe"


def start_keyring_daemon() -> None:
    # --unlock reads the login keyring's password from stdin and creates that keyring unlocked,
    # so nothing ever waits for a prompt. The password only guards this throwaway keyring.
    result = subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets"],
        input="probe-password\n",
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    # It prints lines such as GNOME_KEYRING_CONTROL=...; clients expect them in the environment.
    for line in result.stdout.splitlines():
        name, sep, value = line.partition("=")
        if sep and name.isidentifier():
            os.environ[name] = value


def secret_service_pid(timeout: float = 15.0) -> int:
    """Wait until the Secret Service owns its bus name; return the owner's process id."""
    deadline = time.monotonic() + timeout
    with open_dbus_connection(bus="SESSION") as bus:
        while True:
            reply = bus.send_and_get_reply(message_bus.NameHasOwner(SECRETS_BUS_NAME))
            if reply.body[0]:
                reply = bus.send_and_get_reply(message_bus.GetConnectionUnixProcessID(SECRETS_BUS_NAME))
                return int(reply.body[0])
            if time.monotonic() > deadline:
                raise TimeoutError(f"{SECRETS_BUS_NAME} did not appear on the session bus")
            time.sleep(0.1)


def exercise_store() -> str:
    """Return the backend's name, or raise AssertionError naming the check that failed."""
    from keyring.backends import SecretService

    from todo_desktop.machine.secret_store import SecretStore

    store = SecretStore(SERVICE, None, SecretService.Keyring(), allow_file_fallback=False)
    independent = SecretService.Keyring()  # reads past the store, so memory cannot fake it
    key = f"profile:probe-{uuid.uuid4().hex[:8]}:password"
    value = f"probe-secret-{uuid.uuid4().hex}"

    assert store.uses_keyring, f"store refused the keyring: {store.unusable_reason}"
    store.set(key, value)
    assert store.uses_keyring, f"keyring dropped after set: {store.unusable_reason}"
    assert store.unusable_reason is None, "unusable_reason set although the keyring worked"
    assert store.get(key) == value, "store.get did not return the saved secret"
    assert independent.get_password(SERVICE, key) == value, "secret is not in the keyring"
    store.delete(key)
    assert store.get(key) is None, "store.get still returns a deleted secret"
    assert independent.get_password(SERVICE, key) is None, "keyring still holds the secret"
    assert store.uses_keyring, f"keyring dropped after delete: {store.unusable_reason}"

    # With no backend given, the store must find the Secret Service on its own.
    detected = SecretStore(SERVICE, None, allow_file_fallback=False)
    assert detected.uses_keyring, f"auto-detection failed: {detected.unusable_reason}"
    return store.backend_name


def main() -> int:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        print("PROBE-FAIL no session bus; run me under dbus-run-session")
        return 1
    daemon_pid: int | None = None
    try:
        start_keyring_daemon()
        daemon_pid = secret_service_pid()
        backend = exercise_store()
    except Exception as exc:
        print(f"PROBE-FAIL {type(exc).__name__}: {exc}")
        return 1
    finally:
        # The daemon detaches from us; stop it by id so it cannot outlive the test.
        if daemon_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(daemon_pid, signal.SIGTERM)
    print(f"PROBE-OK backend={backend}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
