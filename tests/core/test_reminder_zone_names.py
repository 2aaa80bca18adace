"""Which zone names a reminder may carry: IANA names of places ("Europe/Berlin"), never a
POSIX rule or an abbreviation, whose meaning PostgreSQL takes from session settings or which
name no place. A name that cannot be used leaves the reminder counting its days as 24 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest

from todo_desktop.core.reminders import ZONE_MAX, ReminderSetting, zone_name


@pytest.mark.parametrize(
    "name",
    ["Europe/Berlin", "America/Argentina/Buenos_Aires", "America/Port-au-Prince", "Etc/GMT+3", "Etc/UTC"],
)
def test_iana_names_of_places_are_kept(name: str) -> None:
    assert zone_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "UTC",  # no area: the database would read it as an abbreviation first
        "CET",
        "EST5EDT,M3.2.0,M11.1.0",  # a POSIX rule: accepted by PostgreSQL, but no place
        "UTC+3",
        "UTC; DROP TABLE public.tasks",
        "Europe/Berlin\x00",
        "Europe/../../etc/passwd",
        "/Europe/Berlin",
        "Europe/Berlin/",
        "Europe//Berlin",
        "Europe/Berlin\n",
        "Europe/Berl\u00efn",
        "A/" + "x" * ZONE_MAX,
        "A/" + "x" * 10_000,
        "Europe/Berlin\ud800",
    ],
)
def test_anything_else_names_no_zone(name: str | None) -> None:
    assert zone_name(name) is None


def test_a_day_and_twenty_four_hours_are_one_setting() -> None:
    """Python cannot tell them apart, so neither can the database: the whole days of an offset
    are calendar days in the person's zone, 24 hours included (revision 0036)."""
    assert ReminderSetting(before_due=timedelta(hours=24)) == ReminderSetting(before_due=timedelta(days=1))
