"""A second app process on the same data folder, for the embedded-server tests.

Usage: python -m tests.support.local_child TITLE (exit|crash|wait|lines) [socket|loopback]
``lines`` then creates one task per line read, printing the server's pid after each. The
last argument forces how the server listens (``Listening``); without it, as the platform wants.
"""

from __future__ import annotations

import os
import signal
import sys

from keyring.backends import fail

from todo_desktop import APP_ID
from todo_desktop.core.values import TaskDraft
from todo_desktop.db.local.embedded import Listening
from todo_desktop.db.local.opener import open_local
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore


def main() -> None:
    title, how = sys.argv[1], sys.argv[2]
    listening = Listening(sys.argv[3]) if len(sys.argv) > 3 else None
    paths = AppPaths.from_environment()
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    workspace = open_local(paths, secrets, listening=listening)
    workspace.tasks.create(TaskDraft(title=title))
    print(f"created {workspace.server.pid}", flush=True)
    if how == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if how == "wait":
        sys.stdin.read()
    if how == "lines":
        for line in sys.stdin:
            workspace.tasks.create(TaskDraft(title=line.strip()))
            print(f"created {workspace.server.pid}", flush=True)
    workspace.close()


if __name__ == "__main__":
    main()
