"""The one engine factory: small pool, pre-ping, recycle before Neon's idle suspend,
timeouts, keepalives, and a pooled-endpoint mode with no session state.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine

from todo_desktop import APP_ID, __version__
from todo_desktop.db.urls import ConnectionTarget

# Neon suspends an idle compute after 300 s; a pooled connection older than this is
# replaced before it can be found dead.
POOL_RECYCLE_SECONDS = 240
CONNECT_TIMEOUT_SECONDS = 10


def connect_args_for(target: ConnectionTarget) -> dict[str, Any]:
    args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "application_name": f"{APP_ID}/{__version__}",
    }
    if not target.is_local:
        args.update(keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3)
    if target.pooled:
        # PgBouncer in transaction mode hands each transaction to any server
        # connection; a statement prepared on one is unknown on the next.
        args["prepare_threshold"] = None
    return args


def create_db_engine(
    target: ConnectionTarget,
    *,
    pool_size: int = 2,
    max_overflow: int = 2,
    pool_timeout: float = 15.0,
) -> Engine:
    return create_engine(
        target.url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_recycle=POOL_RECYCLE_SECONDS,
        pool_timeout=pool_timeout,
        connect_args=connect_args_for(target),
    )
