"""Outlook names a zone by what Windows shows for it ("(UTC+01:00) Amsterdam, Berlin, Bern,
Rome, Stockholm, Vienna"), quoted or not: read in the IANA zone of its cities, else at its
offset with a warning; and retired Windows names are read as their successors."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core import interchange
from todo_desktop.core.interchange.common import zone_named
from todo_desktop.core.interchange.windows_display_names import DISPLAY_NAMES, display_offset
from todo_desktop.core.interchange.windows_zones import windows_zone


def _calendar(*tzids: str, quote: bool = True) -> bytes:
    """``quote=False``: as Outlook often writes them, colons and all, where RFC 5545 quotes."""
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN", "VERSION:2.0"]
    for number, tzid in enumerate(tzids):
        quoted = tzid if tzid.startswith('"') or not quote else f'"{tzid}"'
        lines += ["BEGIN:VTODO", f"UID:task-{number}", f"SUMMARY:Task {number}"]
        lines += [f"DUE;TZID={quoted}:20260301T090000", "END:VTODO"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""]).encode("utf-8")


def _dues(data: bytes) -> tuple[list[datetime | None], list[str]]:
    result = interchange.read(data, zone=UTC)
    return [row.due_date for row in result.rows], [p.sentence for p in result.warnings]


@pytest.mark.parametrize(
    ("tzid", "iana"),
    [
        ("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"),
        ("(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"),
        ("(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien", "Europe/Berlin"),
        ("(UTC+01:00) Brussels, Copenhagen, Madrid, Paris", "Europe/Paris"),
        ("(UTC+00:00) Dublin, Edinburgh, Lisbon, London", "Europe/London"),
        ("(UTC) Dublin, Edinburgh, Lisbon, London", "Europe/London"),
        ("(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London", "Europe/London"),
        ("(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius", "Europe/Kyiv"),
        ("(UTC+02:00) Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius", "Europe/Kyiv"),
        ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
        ("(UTC-08:00) Pacific Time (US & Canada)", "America/Los_Angeles"),
        ("(UTC-06:00) Central Time (US & Canada)", "America/Chicago"),
        ("(UTC-03:00) Brasilia", "America/Sao_Paulo"),
        ("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata"),
        ("(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi", "Asia/Shanghai"),
        ("(UTC+09:00) Osaka, Sapporo, Tokyo", "Asia/Tokyo"),
        ("(UTC+10:00) Canberra, Melbourne, Sydney", "Australia/Sydney"),
        ("(UTC+12:00) Auckland, Wellington", "Pacific/Auckland"),
        ("(UTC+14:00) Kiritimati Island", "Pacific/Kiritimati"),
        ("(UTC\u221205:00) Eastern Time (US & Canada)", "America/New_York"),  # a minus sign, not a dash
        ("  (utc+01:00)   amsterdam,berlin, bern, rome, stockholm, vienna ", "Europe/Berlin"),
    ],
)
@pytest.mark.parametrize("quote", [True, False])
def test_a_display_name_is_read_in_the_zone_of_its_cities(tzid: str, iana: str, quote: bool):
    dues, warnings = _dues(_calendar(tzid, quote=quote))
    assert dues == [datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo(iana))]
    assert warnings == []


def test_every_display_name_has_its_zone_and_the_offset_it_shows():
    assert len(DISPLAY_NAMES) >= 40
    for name in DISPLAY_NAMES:
        # None too when the offset shown is none its zone has had in recent years
        assert windows_zone(name) is not None, name
        assert display_offset(name) is not None, name


def test_an_unknown_display_name_is_read_at_its_offset_and_the_preview_says_so():
    dues, warnings = _dues(
        _calendar(
            "(UTC+01:00) Somewhere Else",
            "(UTC+05:00) Berlin",  # a city the offset does not fit: the offset is what Outlook used
            "(UTC+01:00) Berlin, Paris",  # two zones alike here, but two zones
            "(UTC-03:30) \u0410msterdam",  # a Cyrillic A
        )
    )
    assert dues == [
        datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1))),
        datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=5))),
        datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1))),
        datetime(2026, 3, 1, 9, 0, tzinfo=timezone(-timedelta(hours=3, minutes=30))),
    ]
    assert warnings == [
        "line 4 has the time zone “(UTC+01:00) Somewhere Else”, which is not known; "
        "read at UTC+01:00 all year, as its daylight saving time is not known",
        "line 9 has the time zone “(UTC+05:00) Berlin”, which is not known; "
        "read at UTC+05:00 all year, as its daylight saving time is not known",
        "line 14 has the time zone “(UTC+01:00) Berlin, Paris”, which is not known; "
        "read at UTC+01:00 all year, as its daylight saving time is not known",
        "line 19 has the time zone “(UTC-03:30) \u0410msterdam”, which is not known; "
        "read at UTC-03:30 all year, as its daylight saving time is not known",
    ]


@pytest.mark.parametrize(
    ("old", "iana"),
    [
        ("Mid-Atlantic Standard Time", "Etc/GMT+2"),
        ("Kamchatka Standard Time", "Asia/Kamchatka"),
        ("Armenian Standard Time", "Asia/Yerevan"),
        ("Mexico Standard Time", "America/Mexico_City"),
        ("Mexico Standard Time 2", "America/Mazatlan"),
        ("(UTC-02:00) Mid-Atlantic - Old", "Etc/GMT+2"),
        ("(UTC+12:00) Petropavlovsk-Kamchatsky - Old", "Asia/Kamchatka"),
    ],
)
def test_a_retired_windows_name_is_read_as_its_successor(old: str, iana: str):
    assert zone_named(old) == ZoneInfo(iana)


@pytest.mark.parametrize(
    "tzid",
    [
        "(UTC+99:00) Nowhere",
        "(UTC+14:01)",
        "(UTC-12:01) Far",
        "(UTC+01:60) Odd",
        "(UTC+1:00:00) Odd",
        "(UTC+01:00" + ", Berlin" * 1_250,
        "(UTC+01:00) " + "Berlin, " * 1_250,
        "(" * 10_000,
        "x" * 10_000,
        "(UTC+\u0660\u0661:\u0660\u0660) Arabic-Indic digits",
    ],
)
@pytest.mark.parametrize("quote", [True, False])
def test_a_hostile_tzid_is_not_known_and_read_in_the_persons_zone(tzid: str, quote: bool):
    started = time.perf_counter()
    dues, warnings = _dues(_calendar(tzid, quote=quote))
    assert time.perf_counter() - started < 1
    assert dues == [datetime(2026, 3, 1, 9, 0, tzinfo=UTC)]
    assert len(warnings) == 1 and warnings[0].endswith(", which is not known; read in yours")


def test_an_offset_alone_still_tells_its_offset():
    assert display_offset("(UTC+05:45) Kathmandu") == timezone(timedelta(hours=5, minutes=45), "UTC+05:45")
    assert display_offset("(UTC) Coordinated Universal Time") == timezone(timedelta(0), "UTC+00:00")
    assert display_offset("W. Europe Standard Time") is None
