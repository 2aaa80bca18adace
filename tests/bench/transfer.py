"""Importing 100,000 tasks into the embedded database through the function API.

    python -m tests.bench.transfer                      # 100,000 tasks, in the app's batches
    python -m tests.bench.transfer --tasks 20000 --batch 1000 --batch 10000

The database is a throwaway embedded server, opened as the app opens Local (``open_local`` on
a temporary home). Each run imports into an account of its own, so every figure starts from
an empty account. For each batch size:

- raw: the same ``todo_api.import_tasks`` calls sent with psycopg, on as many connections at
  once as the import uses, their documents built before the clock starts: the database's own
  share, the floor (run last, into an account of its own);
- import: ``sync.transfer.ImportJob`` over ``TaskRepository`` (checking every row, building
  the arrays, SQLAlchemy, a count after each batch), from rows already read from the file;
  run first, into a database with no task yet, as a new user's first import is;
- keys: the search keys the import left for later (``prepare_search``, which the app runs
  after an import, in the background): until then the tasks are found by their text;
- again: the same import a second time, every row already there;
- export: every task read back in pages and written as this app's JSON.

Reading the file (``interchange.read``) is timed once, apart. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from keyring.backends import fail

from tests.bench.interchange import ZONE, make_tasks
from todo_desktop import APP_ID
from todo_desktop.core import interchange
from todo_desktop.core.interchange import ImportRow
from todo_desktop.core.title_order import title_key
from todo_desktop.core.validation import tag_key
from todo_desktop.db.local.opener import open_local
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.machine.paths import AppPaths
from todo_desktop.machine.secret_store import SecretStore
from todo_desktop.sync.transfer import BATCH, IN_FLIGHT, ImportJob, prepare_search
from todo_desktop.sync.transfer_export import export_file

T = TypeVar("T")
PASSWORD = "Correct horse battery staple"
IMPORT = "SELECT added FROM todo_api.import_tasks(%s::json)"


def _timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = action()
    return value, time.perf_counter() - started


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _document(rows: tuple[ImportRow, ...], ids: list[uuid.UUID], now: datetime) -> str:
    """The batch as import_tasks reads it (sql/0011_import_speed.sql)."""
    return json.dumps(
        [
            {
                "id": str(i),
                "title": r.title,
                "title_key": title_key(r.title),
                "notes": r.description,
                "priority": r.priority.value,
                "due": _when(r.due_date),
                "done": r.completed,
                "created": _when(r.created_at or now),
                "done_at": _when((r.completed_at or now) if r.completed else None),
                "tags": list(r.tags),
                "tag_keys": [tag_key(t) for t in r.tags],
                "repeat": r.repeat,
                "after_done": r.repeat_after_completion,
            }
            for i, r in zip(ids, rows, strict=True)
        ],
        ensure_ascii=False,
    )


def _raw(local: Any, token: str, result: interchange.ImportResult, batch: int) -> float:
    """Every batch's import_tasks call, each in its own transaction, on ``IN_FLIGHT``
    psycopg connections at once, as the import sends them."""
    moment = datetime.now(UTC)
    # Fresh ids: the raw run has an account of its own, and the API's run must find none of them.
    calls = [_document(rows, [uuid.uuid4() for _ in rows], moment) for rows in result.batches(batch)]
    raws = [local.db.engine.raw_connection() for _ in range(IN_FLIGHT)]

    def send(raw: Any, share: list[str]) -> None:
        conn = raw.driver_connection
        for params in share:
            with conn.transaction():
                conn.execute("SELECT set_config('todo.session_token', %s, true)", (token,))
                conn.execute(IMPORT, (params,))

    try:
        started = time.perf_counter()
        shares = [calls[i::IN_FLIGHT] for i in range(IN_FLIGHT)]
        threads = [threading.Thread(target=send, args=pair) for pair in zip(raws, shares, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started
    finally:
        for raw in raws:
            raw.close()


def _one_size(local: Any, result: interchange.ImportResult, size: int, n: int, out: Path) -> None:
    count = len(result.rows)
    signed = {}
    for who in ("raw", "api"):  # an empty account for each run
        email = f"{who}{n}@bench.invalid"
        local.accounts.register(email, "Bench", who, PASSWORD)
        signed[who] = local.accounts.sign_in(email, PASSWORD)
    tasks = TaskRepository(local.db, signed["api"].token)
    account = signed["api"].account.id
    # The app's import first, into a database that holds no task yet: a new user's first
    # import, planned with the statistics of an empty table. The raw floor runs afterwards.
    report, api_s = _timed(lambda: ImportJob(tasks, account, result, batch_size=size).run())
    # The search keys the import left for later, as the app makes them after it (in the
    # background in the window): the tasks were found before, by their text.
    made, keys_s = _timed(lambda: prepare_search(tasks))
    again, again_s = _timed(lambda: ImportJob(tasks, account, result, batch_size=size).run())
    assert report.added == count and again.existing == count and made == count, (report, again, made)
    _, export_s = _timed(lambda: export_file(tasks, out, "json"))
    raw_s = _raw(local, signed["raw"].token, result, size)
    rate = f"{count / api_s:,.0f}"
    times = f"{raw_s:7.2f} {api_s:9.2f} {keys_s:7.2f} {again_s:8.2f} {export_s:9.2f}"
    print(f"{size:>6,} {times}  {rate}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--batch", type=int, action="append", help=f"batch sizes (default {BATCH:,})")
    options = parser.parse_args()
    count, sizes = options.tasks, options.batch or [BATCH]
    text = interchange.write(make_tasks(count), "taskwarrior")
    result, read_s = _timed(lambda: interchange.read(text, "taskwarrior", zone=ZONE))
    print(f"{count:,} tasks in a Taskwarrior file of {len(text) / 2**20:.1f} MB; read in {read_s:.2f} s")
    with tempfile.TemporaryDirectory(prefix="todo-bench-transfer-") as home:
        paths = AppPaths.from_environment({"TODO_DESKTOP_HOME": home}).ensure()
        secrets = SecretStore(APP_ID, paths.secrets, allow_file_fallback=True, backend=fail.Keyring())
        local = open_local(paths, secrets)
        try:
            heads = f"{'raw s':>7} {'import s':>9} {'keys s':>7} {'again s':>8} {'export s':>9}"
            print(f"{'batch':>6} {heads}  tasks/s")
            for n, size in enumerate(sizes):
                _one_size(local, result, size, n, Path(home) / "export.json")
        finally:
            local.close()


if __name__ == "__main__":
    main()
