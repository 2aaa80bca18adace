"""Turns what a person typed into a connection target with safe transport settings.

A host that is not on this machine gets TLS with certificate and host-name checks
(``verify-full`` against the system trust store). Plaintext to such a host is refused
before any password leaves the machine.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from todo_desktop.core.errors import ConfigurationError, InsecureConnectionError
from todo_desktop.core.profiles import POOLER_MARK, is_pooler_host, is_pooler_mark
from todo_desktop.db.connect.trust_store import system_root_certificates

DRIVER = "postgresql+psycopg"
_PLAINTEXT_MODES = {"disable", "allow", "prefer"}
_TLS_MODES = {"require", "verify-ca", "verify-full"}


@dataclass(frozen=True, slots=True)
class ConnectionTarget:
    url: URL
    is_local: bool
    pooled: bool
    # The app's own embedded server, which nothing else connects to: the one connection
    # that may keep session state and prepared statements.
    private: bool = False

    @property
    def address(self) -> str:
        host = self.url.host or str(self.url.query.get("host") or "?")
        if host.startswith("/"):
            return host  # a Unix socket folder
        return f"[{host}]:{self.url.port or 5432}" if ":" in host else f"{host}:{self.url.port or 5432}"

    @property
    def display_host(self) -> str:
        """Short, for the status bar."""
        if self.private:
            return "this computer"
        return self.address

    @property
    def described(self) -> str:
        """For sentences: "Cannot reach <described> right now"."""
        if self.private:
            return "the local database"
        return f"the database at {self.address}"

    def redacted(self) -> str:
        return self.url.render_as_string(hide_password=True)


def is_local_host(host: str | None) -> bool:
    if not host or host.startswith("/") or host.startswith("@"):
        return True  # a Unix socket folder, or libpq's default socket
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _values(url: URL, key: str) -> list[str]:
    """Every value of a query parameter; libpq also accepts comma-separated lists."""
    raw = url.query.get(key)
    if raw is None:
        return []
    items = raw if isinstance(raw, tuple) else (raw,)
    return [part for item in items for part in item.split(",") if part]


def _all_hosts(url: URL) -> list[str]:
    # libpq tries every host in turn and connects to hostaddr when given, so the URL is
    # local only if every one of them is: one remote entry must not ride on a local one.
    hosts = [h for h in (url.host or "").split(",") if h]
    return hosts + _values(url, "host") + _values(url, "hostaddr")


def parse_database_url(
    raw: str,
    *,
    pooled: bool | None = None,
    tls_mode: str | None = None,
    private: bool = False,
) -> ConnectionTarget:
    """Parse ``raw`` (``postgres://``, ``postgresql://`` or with ``+psycopg``).

    ``tls_mode`` is the person's explicit choice for a remote host; without it every
    remote connection is ``verify-full``, even when a pasted URL says ``require``.
    ``pooled`` forces pooled-endpoint mode; by default it is inferred from Neon's
    ``-pooler`` host names and from a ``pgbouncer=true`` query parameter.
    """
    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ConfigurationError("The database URL is not a valid postgresql:// URL.") from None
    if url.get_backend_name() not in {"postgresql", "postgres"}:
        raise ConfigurationError("The database URL must start with postgresql://.")
    url = url.set(drivername=DRIVER)
    hosts = _all_hosts(url)
    local = all(is_local_host(h) for h in hosts)
    remote = [h for h in hosts if not is_local_host(h)]
    host = remote[0] if remote else (hosts[0] if hosts else None)
    query = dict(url.query)
    marked = any(is_pooler_mark(v) for v in _values(url, POOLER_MARK))
    # libpq knows no such parameter and would refuse the URL: read it, then drop it.
    if query.pop(POOLER_MARK, None) is not None:
        url = url.set(query=query)
    asked = query.get("sslmode")
    if isinstance(asked, tuple):
        asked = asked[-1]
    if not local:
        chosen = tls_mode or "verify-full"
        if asked in _PLAINTEXT_MODES or chosen in _PLAINTEXT_MODES:
            raise InsecureConnectionError(
                f"Refusing to connect to {host} without TLS: passwords would cross the network in the clear."
            )
        if chosen not in _TLS_MODES:
            raise ConfigurationError(f"Unknown TLS mode {chosen!r}.")
        query["sslmode"] = chosen
        # Not for "require": with a root file libpq would quietly check the CA after all.
        if chosen != "require" and "sslrootcert" not in query:
            query["sslrootcert"] = system_root_certificates()
        url = url.set(query=query)
    named = bool(host and is_pooler_host(host))
    is_pooled = pooled if pooled is not None else named or marked
    return ConnectionTarget(url=url, is_local=local, pooled=is_pooled, private=private)
