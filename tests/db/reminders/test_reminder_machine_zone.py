"""The IANA name of this machine's zone, which a reminder set here carries (revision 0036): as
the C library finds the zone (TZ, else /etc/localtime), so the name agrees with the local times
the app shows. What names no place gives None: the reminder's days are then 24 hours long."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from todo_desktop.machine.zone_name import local_zone_name


def named(tmp_path: Path, environ: dict[str, str], link: str | None = None, timezone: str | None = None):
    localtime, timezone_file = tmp_path / "localtime", tmp_path / "timezone"
    if link is not None:
        os.symlink(link, localtime)
    if timezone is not None:
        localtime.write_bytes(b"TZif")  # a copy of a zone file, which names nothing
        timezone_file.write_text(timezone, encoding="utf-8")
    return local_zone_name(environ, localtime=localtime, timezone_file=timezone_file)


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        (":Asia/Tokyo", "Asia/Tokyo"),
        ("/usr/share/zoneinfo/America/New_York", "America/New_York"),
        ("UTC", "Etc/UTC"),  # the same zone by the name that is a place's
        ("EST5EDT,M3.2.0,M11.1.0", None),
        ("UTC+3", None),
        ("Mars/Base", None),
        ("", None),
        ("../../etc/passwd", None),
    ],
)
def test_tz_names_the_zone_when_set(tmp_path, tz, expected):
    assert named(tmp_path, {"TZ": tz}, link="/usr/share/zoneinfo/Europe/Lisbon") == expected


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("/usr/share/zoneinfo/Europe/Lisbon", "Europe/Lisbon"),
        ("../usr/share/zoneinfo/Australia/Sydney", "Australia/Sydney"),
        ("/var/db/timezone/zoneinfo/America/Chicago", "America/Chicago"),  # macOS
        ("/usr/share/zoneinfo/posix/Europe/Rome", "Europe/Rome"),
        ("/usr/share/zoneinfo/Etc/UTC", "Etc/UTC"),
        ("/usr/share/zoneinfo/UTC", "Etc/UTC"),
        ("/etc/somewhere/else", None),
    ],
)
def test_else_localtime_names_it(tmp_path, link, expected):
    assert named(tmp_path, {}, link=link) == expected


def test_a_copied_localtime_is_named_by_etc_timezone(tmp_path):
    assert named(tmp_path, {}, timezone="Europe/Paris\n") == "Europe/Paris"


def test_nothing_to_go_by_names_nothing(tmp_path):
    assert named(tmp_path, {}) is None


def test_this_machines_zone_has_a_name_or_none():
    found = local_zone_name()
    assert found is None or "/" in found
