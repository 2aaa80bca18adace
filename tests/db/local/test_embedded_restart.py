"""The embedded server killed with SIGKILL while the app runs: the app starts it again by
itself, in the same process, and no edit is lost or applied twice.

The workspace is opened as the app opens it (``open_local`` behind ``outbox_for``) on a real
embedded server in a temporary folder. Kills come at random moments (seeded), sometimes of
the postmaster alone (its children notice and exit), sometimes of every server process at
once (as the out-of-memory killer might); edits go on at once and at random moments, while a
second thread reads as the window's read pool does.

Each runs with the server on its Unix socket and, as on Windows, on loopback TCP, where a
restart gets a new port and the open workspace must follow it there.
"""

from __future__ import annotations

import os
import random
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest

from tests.support.outbox_helpers import Row, apply_changes, drain, random_changes, state
from tests.support.repo import ROOT
from tests.support.restart_helpers import kill_server, open_as_the_app, postmaster_pid
from todo_desktop.core.errors import DatabaseUnavailableError
from todo_desktop.core.values import Priority, Status, TaskChanges, TaskDraft, TaskEdit, TaskQuery
from todo_desktop.db.local import embedded
from todo_desktop.db.local.embedded import NOT_RESTARTED, EmbeddedServer, Listening
from todo_desktop.db.local.workspace import LOCAL_ROLE, LocalWorkspace
from todo_desktop.machine.paths import AppPaths

SEED = int(os.environ.get("TODO_RESTART_SEED", "20261127"))  # another seed: another run
EDITS = 70
KILLS = 4
HBA_RULES = {
    Listening.SOCKET: ["local all all peer map=owner"],
    Listening.LOOPBACK: ["host all all 127.0.0.1/32 scram-sha-256"],
}

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    monkeypatch.setenv("TODO_DESKTOP_HOME", str(tmp_path))
    return AppPaths.from_environment()


@pytest.fixture(params=list(Listening), ids=lambda mode: mode.value)
def listening(request: pytest.FixtureRequest) -> Listening:
    return request.param  # type: ignore[no-any-return]


def where(local: LocalWorkspace) -> str:
    """What a restart keeps: the socket folder, or (on loopback, port aside) the address."""
    if local.server.listening is Listening.SOCKET:
        return local.server.socket_dir
    return local.server.connect_params()["host"]  # type: ignore[no-any-return]


def assert_private(local: LocalWorkspace, address: str) -> None:
    """The restarted server keeps a normal start's security: the same socket folder, 0700,
    only peer authentication (or loopback alone, and only SCRAM), and the app still connects
    as its RLS-bound role."""
    mode = local.server.listening
    assert where(local) == address
    if mode is Listening.SOCKET:
        assert stat.S_IMODE(Path(address).stat().st_mode) == 0o700
    hba = (local.server.pgdata / "pg_hba.conf").read_text()
    assert [line for line in hba.splitlines() if line and not line.startswith("#")] == HBA_RULES[mode]
    with local.db.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT current_user, system_user").one()
    assert row[0] == LOCAL_ROLE
    # Authenticated by the OS user, or by the password: never trusted.
    assert str(row[1]).startswith("peer:" if mode is Listening.SOCKET else "scram-sha-256:"), row


class Killer:
    """Kills the server a moment after it is asked to, from its own thread, so the kill
    lands at a random point of the edit in flight; never before the last kill was healed."""

    def __init__(self, server: EmbeddedServer, rng: random.Random) -> None:
        self.server = server
        self.rng = rng
        self.kills: list[tuple[int, str]] = []
        self.ports: set[int | None] = set()  # where the killed servers listened
        self._timers: list[threading.Timer] = []

    def soon(self) -> None:
        deadline = time.monotonic() + 20.0  # the reader thread heals it if no edit does
        while self.server.restarts < len(self._timers) and time.monotonic() < deadline:
            time.sleep(0.05)
        everything = self.rng.random() < 0.5
        timer = threading.Timer(self.rng.uniform(0.0, 0.05), self._kill, args=(everything,))
        self._timers.append(timer)
        timer.start()

    def _kill(self, everything: bool) -> None:
        self.ports.add(self.server.port)
        self.kills.append((kill_server(self.server, everything=everything), "all" if everything else "one"))

    def join(self) -> None:
        for timer in self._timers:
            timer.join()


def kill_points(rng: random.Random) -> set[int]:
    """One kill at a random edit in each stretch of the run, a few edits from its ends."""
    stretch = EDITS // KILLS
    return {k * stretch + rng.randrange(3, stretch - 3) for k in range(KILLS)}


def test_random_kills_while_editing_lose_nothing(paths: AppPaths, listening: Listening) -> None:
    rng = random.Random(SEED)
    local, durable = open_as_the_app(paths, listening)
    address = where(local)
    first_pid, ports = local.server.pid, {local.server.port}
    killer = Killer(local.server, random.Random(rng.random()))
    kill_at = kill_points(random.Random(rng.random()))
    stop = threading.Event()
    reads = {"ok": 0, "failed": 0}

    def reader(read_rng: random.Random) -> None:  # the window's read pool, meanwhile
        while not stop.wait(read_rng.uniform(0.02, 0.2)):
            try:
                durable.list(TaskQuery(status=Status.ALL))
                reads["ok"] += 1
            except DatabaseUnavailableError:
                reads["failed"] += 1

    reading = threading.Thread(target=reader, args=(random.Random(rng.random()),), daemon=True)
    intended: dict[uuid.UUID, Row] = {}
    queued = 0
    started = time.monotonic()
    reading.start()
    try:
        for number in range(EDITS):
            if number in kill_at:
                killer.soon()
            elif rng.random() < 0.7:  # else at once, as a person typing fast
                time.sleep(rng.uniform(0.0, 0.1))
            kind = rng.choice(["create", "create", "update", "toggle", "delete", "complete"])
            if not intended:
                kind = "create"
            before = durable.pending_count()
            if kind == "create":
                draft = TaskDraft(f"New {number}", priority=rng.choice(list(Priority)))
                durable.create(draft)
                intended[draft.id] = (draft.title, None, False, draft.priority, None)
            else:
                task_id = rng.choice(sorted(intended))
                if kind == "update":
                    changes = random_changes(rng)
                elif kind == "toggle":
                    changes = TaskChanges(completed=not intended[task_id][2])
                if kind in ("update", "toggle"):
                    durable.update(task_id, changes)
                    intended[task_id] = apply_changes(intended[task_id], changes)
                elif kind == "complete":
                    ids = rng.sample(sorted(intended), min(len(intended), rng.randint(1, 3)))
                    value = rng.random() < 0.5
                    durable.update_many([TaskEdit(i, TaskChanges(completed=value)) for i in ids])
                    for i in ids:
                        intended[i] = apply_changes(intended[i], TaskChanges(completed=value))
                else:
                    durable.delete([task_id])
                    del intended[task_id]
            queued += durable.pending_count() > before
    finally:
        stop.set()
        reading.join(timeout=30)
        killer.join()
    edited_for = time.monotonic() - started

    drain(durable)
    try:
        stored = state(local.tasks)
        lost = sum(stored.get(i) != row for i, row in intended.items()) + len(stored.keys() - intended)
        figures = (
            f"{EDITS} edits, {len(killer.kills)} kills {killer.kills}, {local.server.restarts} restarts, "
            f"{queued} edits queued in the outbox, reads {reads}, {len(intended)} tasks, "
            f"edits lost or doubled: {lost}, {edited_for:.1f} s of editing"
        )
        print(f"\nembedded restart run: {figures}")
        assert len(killer.kills) == KILLS, figures
        assert durable.pending_count() == 0, figures
        assert durable.take_problems() == [], figures
        assert stored == intended, figures  # exactly: nothing lost, nothing applied twice
        # Started again by the app itself, once per kill, however many threads noticed.
        assert local.server.restarts == KILLS, figures
        assert local.server.is_running() and local.server.pid != first_pid, figures
        if listening is Listening.LOOPBACK:  # restarts on new ports, followed there
            assert len(killer.ports | ports | {local.server.port}) > 1, figures
        assert_private(local, address)
    finally:
        local.close()
    assert not (paths.data / "pgdata" / "postmaster.pid").exists(), "close() still stops the server"


def test_a_failed_restart_keeps_the_edit_and_the_next_attempt_sends_it(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch, listening: Listening
) -> None:
    monkeypatch.setattr(embedded, "RESTART_PAUSE", 0.5)
    monkeypatch.setattr(embedded, "START_PAUSE", 0.1)
    local, durable = open_as_the_app(paths, listening)
    try:
        durable.create(TaskDraft("before"))
        auto_conf = local.server.pgdata / "postgresql.auto.conf"
        good = auto_conf.read_text()
        auto_conf.write_text(good + "shared_buffers = 'not a size'\n")  # the server cannot start
        kill_server(local.server, everything=True)

        durable.create(TaskDraft("while it cannot start"))
        assert durable.pending_count() == 1 and durable.offline
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailableError) as failed:
            local.tasks.list(TaskQuery(status=Status.ALL))
        assert failed.value.message == NOT_RESTARTED
        assert time.monotonic() - started < 5.0, "a restart that just failed is not waited out"
        assert local.server.restarts == 0

        auto_conf.write_text(good)
        time.sleep(0.6)  # past RESTART_PAUSE: the next attempt starts it
        report = durable.flush()
        assert (report.sent, report.pending) == (1, 0)
        assert local.server.restarts == 1
        assert sorted(row[0] for row in state(local.tasks).values()) == ["before", "while it cannot start"]
    finally:
        local.close()


def _child(paths: AppPaths, listening: Listening) -> subprocess.Popen[str]:
    env = {**os.environ, "TODO_DESKTOP_HOME": str(paths.data.parent)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.local_child", "child started", "lines", listening.value],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
    )


def _child_creates(child: subprocess.Popen[str], title: str) -> None:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(title + "\n")
    child.stdin.flush()
    line = child.stdout.readline()
    assert line.startswith("created "), line


def test_two_app_processes_share_one_restarted_server(paths: AppPaths, listening: Listening) -> None:
    """Whichever process notices first starts the server again; the other joins that one
    (no second server on the same folder; on loopback it finds the new port and password in
    postmaster.pid and the secret store), and the last one out still stops it, even when it
    never noticed the restart."""
    local, durable = open_as_the_app(paths, listening)
    child = _child(paths, listening)
    pgdata = str(local.server.pgdata.resolve())
    try:
        assert child.stdout is not None
        assert child.stdout.readline().startswith("created "), "the child opened the workspace"
        for round_, first in enumerate(["child", "parent"]):
            # Every server process at once: no orphaned backend answers one more query.
            killed = kill_server(local.server, everything=True)
            if first == "child":
                _child_creates(child, f"child {round_}")
                durable.create(TaskDraft(f"parent {round_}"))
            else:
                durable.create(TaskDraft(f"parent {round_}"))
                _child_creates(child, f"child {round_}")
            running = postmaster_pid(local.server.pgdata)
            servers = [p.pid for p in psutil.process_iter(["cmdline"]) if pgdata in (p.info["cmdline"] or [])]
            assert running != killed and servers == [running], f"round {round_}: one postmaster on the folder"
            # The child started it again in round 0 (the parent only joined), the parent in round 1.
            assert local.server.restarts == round_, f"round {round_}"
        assert durable.pending_count() == 0
        titles = sorted(row[0] for row in state(local.tasks).values())
        assert titles == ["child 0", "child 1", "child started", "parent 0", "parent 1"]
    finally:
        local.close()  # first out: the child still uses the server
        assert (paths.data / "pgdata" / "postmaster.pid").exists(), "the child still uses the server"
        if child.stdin is not None:
            child.stdin.close()
        child.wait(timeout=60)
    assert child.returncode == 0
    # The child never noticed round 1's restart, yet as the last one out it stops that server.
    assert not (paths.data / "pgdata" / "postmaster.pid").exists(), "the last process out stops the server"
