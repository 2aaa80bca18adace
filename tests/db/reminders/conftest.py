"""Reminders of Alice's, through the data layer, on the test database."""

from __future__ import annotations

import pytest

from todo_desktop.db.reminders import ReminderRepository


@pytest.fixture
def alice_reminders(client_db, alice) -> ReminderRepository:
    return ReminderRepository(client_db, alice.token)


@pytest.fixture
def bob_reminders(client_db, bob) -> ReminderRepository:
    return ReminderRepository(client_db, bob.token)
