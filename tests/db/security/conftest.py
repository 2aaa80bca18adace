"""The attacker's connection: a raw psycopg connection as the client role, signed in as nobody."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.support.attack_helpers import attacker


@pytest.fixture
def conn(test_db) -> Iterator[psycopg.Connection]:
    c = attacker(test_db.client_url)
    yield c
    c.close()
