"""An empty database owned by the owner role, for tests that run the migrations themselves."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

from psycopg import sql


@contextlib.contextmanager
def blank_database(pg_cluster: Any, roles: Any, prefix: str) -> Iterator[tuple[str, str]]:
    """(the owner's URL, the name) of a new empty database, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with pg_cluster.admin() as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(roles.owner))
        )
    try:
        yield pg_cluster.url(name, roles.owner, roles.owner_password), name
    finally:
        with pg_cluster.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
