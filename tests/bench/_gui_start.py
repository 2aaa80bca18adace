"""Start-time part of the GUI benchmark: the real app started as a new process, again and again.

The home folder (``TODO_DESKTOP_HOME``) is prepared first, so each run finds its embedded
database created, migrated and holding tasks, as on any day after the first launch. Each
run is ``python -m tests.bench._gui_probe``, which prints when the window's first frame and
the first rows were drawn; the figures are those instants minus the moment just before the
process was spawned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from keyring.backends import fail

from todo_desktop import APP_ID
from todo_desktop.core.values import Priority, TaskDraft
from todo_desktop.db.local.embedded import EmbeddedServer
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import HOME_ENV, AppPaths
from todo_desktop.machine.secret_store import SecretStore

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 90.0
SEED_TASKS = 300
PRIORITIES = tuple(Priority)


@dataclass
class StartTimes:
    """Seconds from spawn to each mark, one entry per run."""

    label: str
    marks: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, spawned: float, stamps: dict[str, float]) -> None:
        for name, stamp in stamps.items():
            self.marks.setdefault(name, []).append(stamp - spawned)


def probe_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env[HOME_ENV] = str(home)
    # The account key goes to a file in the throwaway home, never the person's keyring.
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["TODO_BENCH_SETTINGS_DIR"] = str(home / "qt-settings")
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def platform_name(env: dict[str, str]) -> str:
    return env.get("QT_QPA_PLATFORM") or ("wayland" if env.get("WAYLAND_DISPLAY") else "xcb")


def prepare_home(home: Path, tasks: int = SEED_TASKS) -> None:
    """The first launch, done ahead: cluster, schema, local account, and some tasks to show."""
    paths = AppPaths.from_environment({HOME_ENV: str(home)})
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    local = open_local(paths, secrets, kdf_cost=MINIMUM_COST)
    try:
        now = datetime.now(UTC)
        repo = local.tasks
        for i in range(tasks):
            due = now + timedelta(hours=i - tasks // 4) if i % 4 else None
            repo.create(TaskDraft(f"Start-up task {i}", None, PRIORITIES[i % 4], due))
    finally:
        local.close()


def run_once(mode: str, env: dict[str, str]) -> tuple[float, dict[str, float]]:
    command = [sys.executable, "-m", "tests.bench._gui_probe", mode]
    spawned = time.time()
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = child.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
        raise RuntimeError(f"{mode} run timed out; stderr: {err.strip()[-400:]}") from None
    exited = time.time()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} run failed (exit {child.returncode}): {err.strip()[-400:]}")
    stamps = json.loads(lines[-1])
    stamps["exit"] = exited
    return spawned, stamps


def measure(label: str, mode: str, env: dict[str, str], runs: int, warmup: int = 1) -> StartTimes:
    times = StartTimes(label)
    for number in range(warmup + runs):
        try:
            spawned, stamps = run_once(mode, env)
        except RuntimeError as exc:
            times.failures.append(str(exc))
            continue
        if number >= warmup:
            times.add(spawned, stamps)
    return times


def measure_all(home: Path, runs: int) -> list[StartTimes]:
    """Empty QMainWindow (baseline), the app on a stopped database, the app joining a running one."""
    env = probe_env(home)
    results = [
        measure("empty QMainWindow (baseline)", "empty", env, runs),
        measure("app, database server stopped", "app", env, runs),
    ]
    # A second window's case: another process keeps the embedded server up, so the app
    # joins it instead of starting PostgreSQL.
    paths = AppPaths.from_environment({HOME_ENV: str(home)})
    server = EmbeddedServer(paths.data)
    server.start()
    try:
        results.append(measure("app, database server already running", "app", env, runs))
    finally:
        server.stop()
    return results
