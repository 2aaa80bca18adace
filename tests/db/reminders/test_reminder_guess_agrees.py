"""The row's bell guesses a ring time before the database answers (core.reminders.rings_at).
The guess and the database's own answer (public.todo_reminder_fire_at) must agree for every
due time and offset, also where a local time happens twice (summer time ends) or never (it
begins): a bell an hour off is a wrong promise. Each zone here moves its clocks differently:
north and south of the equator, Dublin's winter time counted as the "summer" one, and Lord
Howe Island's half hour. The window's zone is the machine's own (core.clock.LocalZone, the C
library's rules, which know no second pass of an hour), so each zone is tried that way too."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import psycopg
import pytest

from todo_desktop.core.clock import LocalZone
from todo_desktop.core.reminders import rings_at
from todo_desktop.core.values import ReminderSetting

# Each zone's clock changes of 2027, a day either side.
CHANGES = {
    "Europe/Berlin": ("2027-03-28", "2027-10-31"),
    "America/New_York": ("2027-03-14", "2027-11-07"),
    "Australia/Sydney": ("2027-04-04", "2027-10-03"),
    "Europe/Dublin": ("2027-03-28", "2027-10-31"),
    "Australia/Lord_Howe": ("2027-04-04", "2027-10-03"),
}
OFFSETS = [
    timedelta(0),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(days=1),
    timedelta(days=1, hours=2),
    timedelta(days=2),
    timedelta(days=7, minutes=30),
]


def due_times(zone: str) -> Iterator[datetime]:
    """Every half hour from two days before each change to two days after it, and each of
    those days at 23:59 (due all day), local time; both passes of a repeated hour come from
    the half-hour steps in UTC."""
    for change in CHANGES[zone]:
        day = datetime.fromisoformat(change).replace(tzinfo=ZoneInfo(zone))
        start = (day - timedelta(days=2)).astimezone(UTC)
        yield from (start + timedelta(minutes=30 * k) for k in range(5 * 48))
        for d in range(-2, 3):
            yield (day + timedelta(days=d)).replace(hour=23, minute=59).astimezone(UTC)


@pytest.fixture(params=["named", "machine"])
def guess_zone(request: pytest.FixtureRequest) -> Iterator[type[tzinfo] | None]:
    """How the guess is given the zone: by name (ZoneInfo), or as the machine's zone with TZ
    set to that name (LocalZone), as the window has it."""
    if request.param == "named":
        yield None
        return
    before = os.environ.get("TZ")
    yield LocalZone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize("zone", sorted(CHANGES))
def test_the_guess_is_the_databases_ring_time(test_db, zone: str, guess_zone: type[tzinfo] | None) -> None:
    cases = [(due, before) for due in due_times(zone) for before in OFFSETS]
    with psycopg.connect(test_db.owner_url) as conn:
        rows = conn.execute(
            "SELECT public.todo_reminder_fire_at(d, b, %s)"
            " FROM unnest(%s::timestamptz[], %s::interval[]) AS c(d, b)",
            (zone, [c[0] for c in cases], [c[1] for c in cases]),
        ).fetchall()
    if guess_zone is None:
        guessed_in: tzinfo = ZoneInfo(zone)
    else:
        os.environ["TZ"] = zone
        time.tzset()
        guessed_in = guess_zone()
    setting = {before: ReminderSetting(before_due=before) for before in OFFSETS}
    wrong = [
        (due.astimezone(ZoneInfo(zone)).isoformat(), str(before), guess.isoformat(), db.isoformat())
        for (due, before), (db,) in zip(cases, rows, strict=True)
        if (guess := rings_at(setting[before], due, guessed_in)) != db
    ]
    assert not wrong, f"{len(wrong)} of {len(cases)} guesses differ from the database, first: {wrong[:3]}"
