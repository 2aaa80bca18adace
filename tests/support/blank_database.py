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


def insert_users(su: Any, count: int) -> None:
    """``count`` users u1@example.com, u2@…, inserted directly (as a migration test's data, at
    any revision), each with a well-formed password verifier that no password opens."""
    su.execute(
        "INSERT INTO users (email, first_name, last_name, password_hash) SELECT "
        "'u' || g || '@example.com', 'U', 'V', '$argon2id$v=19$m=65536,t=3,p=4$' || repeat('A', 22) "
        "|| '$' || repeat('B', 43) FROM generate_series(1, %s) g",
        (count,),
    )
