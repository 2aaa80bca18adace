"""A throwaway PgBouncer in transaction mode in front of the test database (through the fault
proxy, so the server behind it can be stopped, hung or cut off), for the client role."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.bench._load_pgbench import PgBouncer


@contextmanager
def pgbouncer_for(
    client_url: str, server_port: int, *, pool_size: int = 3, users: dict[str, str] | None = None
) -> Iterator[PgBouncer]:
    if not (shutil.which("pgbouncer") or Path("/usr/sbin/pgbouncer").exists()):
        pytest.skip("needs Debian's pgbouncer (apt-get install pgbouncer)")
    client = make_url(client_url)
    folder = Path(tempfile.mkdtemp(prefix="todo-pgb-"))
    pooler = PgBouncer(
        folder=folder,
        database=client.database or "",
        server_port=server_port,
        role=client.username or "",
        password=client.password or "",
        max_client_conn=50,
        pool_size=pool_size,
        # Try the server again a second after a failed login, not Debian's 15 s.
        settings={"server_login_retry": "1"},
        users=users or {},
    )
    pooler.start()
    try:
        yield pooler
    finally:
        pooler.stop()
        shutil.rmtree(folder, ignore_errors=True)


def url_through(client_url: str, pooler: PgBouncer) -> str:
    """The client role's URL, through ``pooler`` on loopback: no "-pooler" in its name."""
    client = make_url(client_url)
    return f"postgresql://{client.username}:{client.password}@127.0.0.1:{pooler.port}/{client.database}"
