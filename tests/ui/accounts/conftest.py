"""Shared profiles for the window's account tests."""

from __future__ import annotations

import pytest

from tests.support.shared_helpers import add_profile
from todo_desktop.core.profiles import Profile
from todo_desktop.db.shared.gateway import SharedDatabases


@pytest.fixture
def team(gateway: SharedDatabases, test_db) -> Profile:
    """A shared profile for the test database, in use from the start (on each test file's gateway)."""
    shared = add_profile(gateway, test_db.client_url, name="Team")
    gateway.set_active(shared.id)
    return shared
