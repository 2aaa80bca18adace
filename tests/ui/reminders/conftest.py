"""A private D-Bus session and a notification server of our own on it, for the reminder tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.notification_server import NotificationServer, private_bus


@pytest.fixture
def bus() -> Iterator[str]:
    with private_bus() as address:
        yield address


@pytest.fixture
def server(bus) -> Iterator[NotificationServer]:
    made = NotificationServer(bus)
    yield made
    made.stop()
