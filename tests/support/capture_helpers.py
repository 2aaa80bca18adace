"""The command line's quick capture, run as a person runs it: ``todo-desktop add`` in its own
process, beside the real app in another (``tests.support.app_driver watch``), each on a
temporary home and runtime folder of its own."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from keyring.backends import fail

from tests.support.repo import ROOT
from todo_desktop import APP_ID
from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.machine.paths import HOME_ENV, AppPaths
from todo_desktop.machine.secret_store import SecretStore
from todo_desktop.ui.chrome.instance_protocol import instance_address

START_TIMEOUT = 90.0


def capture_env(root: Path, tz: str = "Europe/Berlin", runtime: Path | None = None) -> dict[str, str]:
    """An environment whose app files live under ``root``: home, and a private runtime folder
    for the instance socket (as $XDG_RUNTIME_DIR is on a desktop; ``root/run`` by default)."""
    runtime = runtime or root / "run"
    if len(str(runtime)) > 60:
        # A socket's whole path must fit in about 100 bytes; deeper, the app would fall back
        # to a folder of its own in the system's temp folder, shared by every test.
        runtime = Path(tempfile.mkdtemp(prefix="todo-rt-"))
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    runtime.chmod(0o700)
    env = {**os.environ, HOME_ENV: str(root / "home"), "XDG_RUNTIME_DIR": str(runtime), "TZ": tz}
    env["QT_QPA_PLATFORM"] = "offscreen"
    # Never the machine's own keyring: the local account's key stays in the home's 0600 file.
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env.pop("XDG_ACTIVATION_TOKEN", None)
    env.pop("DESKTOP_STARTUP_ID", None)
    return env


def address_for(env: dict[str, str]) -> str:
    address = instance_address(AppPaths.from_environment(env).data, env)
    assert address is not None
    return address


def todo(
    env: dict[str, str], *args: str, timeout: float = 120, importtime: bool = False
) -> subprocess.CompletedProcess[str]:
    """``todo-desktop ARGS`` in a process of its own; ``importtime``: with ``-X importtime``,
    so its stderr lists every module it imported."""
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "todo_desktop", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass
class RunningApp:
    """The real app, offscreen, printing the titles on screen each time they change."""

    env: dict[str, str]
    process: subprocess.Popen[str] | None = None
    lines: queue.Queue[tuple[float, str]] = field(default_factory=queue.Queue)
    seen: list[tuple[float, str]] = field(default_factory=list)

    @property
    def errors(self) -> Path:
        """Where the app's stderr goes, beside its home."""
        return Path(self.env[HOME_ENV]).parent / "app-stderr.txt"

    def start(self, *, ready: bool = True) -> RunningApp:
        """Start the app; with ``ready``, wait until its list is on screen."""
        with self.errors.open("w", encoding="utf-8") as errors:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.app_driver", "watch"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
        threading.Thread(target=self._read, daemon=True).start()
        if ready:
            self.wait_for(lambda line: line == "ready", START_TIMEOUT)
        return self

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))

    def wait_for(self, wanted: Callable[[str], bool], timeout: float) -> tuple[float, str]:
        """The first line printed from now on that ``wanted`` accepts, and when it came."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                said = self.errors.read_text(encoding="utf-8")[-2000:] if self.errors.exists() else ""
                raise AssertionError(
                    f"the app never printed what was awaited; it printed {self.seen}\n{said}"
                )
            try:
                when, line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append((when, line))
            if wanted(line):
                return when, line

    def wait_for_title(self, title: str, timeout: float) -> float:
        """When the window first showed a task called ``title``."""
        when, _line = self.wait_for(
            lambda line: line.startswith("titles:") and title in line[len("titles: ") :].split("|"), timeout
        )
        return when

    @property
    def log(self) -> str:
        logs = AppPaths.from_environment(self.env).logs / "todo-desktop.log"
        return logs.read_text(encoding="utf-8") if logs.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> int:
        """Quit as a session ending does (SIGTERM); the exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


def reminder_stored(env: dict[str, str], task_id: str) -> ReminderSetting | None:
    """The task's reminder as the database keeps it, read beside whatever else runs."""
    paths = AppPaths.from_environment(env)
    secrets = SecretStore(APP_ID, paths.secrets, allow_file_fallback=True, backend=fail.Keyring())
    local = open_local(paths, secrets)
    try:
        return ReminderRepository(local.db, local.signed_in.token).reminder_of(uuid.UUID(task_id))
    finally:
        local.close()
