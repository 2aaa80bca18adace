"""Shared by the embedded-restart tests: the local workspace opened as the app opens it, and
SIGKILL for the server that runs on its folder."""

from __future__ import annotations

import contextlib
from pathlib import Path

import psutil
from keyring.backends import fail

from todo_desktop import APP_ID
from todo_desktop.db.local.embedded import EmbeddedServer, Listening
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.local.workspace import LocalWorkspace
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore
from todo_desktop.sync.outbox import DurableTasks, outbox_for


def open_as_the_app(
    paths: AppPaths, listening: Listening | None = None
) -> tuple[LocalWorkspace, DurableTasks]:
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    local = open_local(paths, secrets, kdf_cost=MINIMUM_COST, listening=listening)
    return local, outbox_for(paths.data / "outbox", "local", local.tasks)


def postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().split()[0])


def kill_server(server: EmbeddedServer, *, everything: bool) -> int:
    """SIGKILL the running postmaster, or it and all its children at once; returns its pid.

    PostgreSQL puts each child in a session of its own, so a process group kill would reach
    the postmaster alone: the children are named one by one.
    """
    pid = postmaster_pid(server.pgdata)
    postmaster = psutil.Process(pid)
    victims = [postmaster, *postmaster.children()] if everything else [postmaster]
    for process in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    return pid
