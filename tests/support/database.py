"""The test session's PostgreSQL: a server we are superuser on, the roles every test uses,
and one fresh database per test (the fixtures that build them are in ``tests/conftest.py``)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import make_url

PASSWORD = "Correct horse battery staple"
# host:port of a transaction-mode pooler for the client role's connections, or None.
POOLER = os.environ.get("TODO_TEST_POOLER") or None


@dataclass
class PgCluster:
    """A server we are superuser on, and the way to build URLs for any role on it."""

    base_url: str  # superuser URL, any database

    def url(self, database: str, user: str | None = None, password: str | None = None) -> str:
        u = make_url(self.base_url).set(database=database, drivername="postgresql")
        if user is not None:
            u = u.set(username=user, password=password)
        return u.render_as_string(hide_password=False)

    def admin(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(_dsn(self.url(database)), autocommit=True)


def _dsn(url: str) -> str:
    u = make_url(url)
    params = {
        "dbname": u.database,
        "user": u.username,
        "password": u.password,
        "host": u.host or u.query.get("host"),
        "port": u.port,
    }
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v})


@dataclass
class Roles:
    owner: str
    owner_password: str
    client: str
    client_password: str


@dataclass
class TestDatabase:
    __test__ = False  # a fixture's value, not a test class

    name: str
    cluster: PgCluster
    roles: Roles
    pooler: str | None = None  # host:port of a PgBouncer a test started for itself

    @property
    def pooler_address(self) -> str | None:
        return self.pooler or POOLER

    @property
    def owner_url(self) -> str:
        return self.cluster.url(self.name, self.roles.owner, self.roles.owner_password)

    @property
    def client_url(self) -> str:
        """The client role's URL: through the pooler when ``TODO_TEST_POOLER`` is set."""
        url = self.direct_client_url
        if self.pooler_address:
            host, _, port = self.pooler_address.rpartition(":")
            plain = make_url(url).difference_update_query(["host", "port", "hostaddr"])  # not a socket
            url = plain.set(host=host, port=int(port)).render_as_string(hide_password=False)
        return url

    @property
    def direct_client_url(self) -> str:
        return self.cluster.url(self.name, self.roles.client, self.roles.client_password)

    def superuser(self) -> psycopg.Connection:
        return self.cluster.admin(self.name)
