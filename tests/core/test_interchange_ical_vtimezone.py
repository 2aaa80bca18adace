"""A TZID that names no zone this app knows ("Customized Time Zone", as Outlook writes a zone
a person set up) is read by the file's own VTIMEZONE block of that name, before or after the
to-dos, when its rules are the yearly ones Outlook writes; else as before, with one warning
for the file that counts the to-dos in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from todo_desktop.core import interchange
from todo_desktop.core.interchange import ical_zones
from todo_desktop.core.interchange.ical_zones import vtimezone_zone

BERLIN = ZoneInfo("Europe/Berlin")
SYDNEY = ZoneInfo("Australia/Sydney")


def _observance(kind: str, start: str, before: str, after: str, rule: str | None) -> list[str]:
    lines = [f"BEGIN:{kind}", f"DTSTART:{start}", f"TZOFFSETFROM:{before}", f"TZOFFSETTO:{after}"]
    return [*lines, *([f"RRULE:{rule}"] if rule else []), f"END:{kind}"]


EUROPE = [
    *_observance("STANDARD", "16011028T030000", "+0200", "+0100", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
    *_observance("DAYLIGHT", "16010325T020000", "+0100", "+0200", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
]
AUSTRALIA = [
    *_observance("STANDARD", "16010401T030000", "+1100", "+1000", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"),
    *_observance(
        "DAYLIGHT", "16011001T020000", "+1000", "+1100", "FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=10"
    ),
]


def _calendar(tzid: str, block: list[str], dues: list[str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VTIMEZONE", f"TZID:{tzid}", *block, "END:VTIMEZONE"]
    for number, due in enumerate(dues):
        lines += ["BEGIN:VTODO", f"UID:t{number}", f"SUMMARY:Task {number}", f'DUE;TZID="{tzid}":{due}']
        lines += ["END:VTODO"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def test_a_customized_zone_is_read_by_its_rules_in_winter_and_summer():
    dues = ["20260301T090000", "20260715T090000", "20261025T023000", "20261025T033000", "20260329T030000"]
    result = interchange.read(_calendar("Customized Time Zone", EUROPE, dues), zone=UTC)
    assert [row.due_date for row in result.rows] == [
        datetime(2026, 3, 1, 9, 0, tzinfo=BERLIN),
        datetime(2026, 7, 15, 9, 0, tzinfo=BERLIN),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # twice that night: the first, in summer time
        datetime(2026, 10, 25, 3, 30, tzinfo=BERLIN),
        datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN),
    ]
    assert result.warnings == ()


def test_a_southern_zone_has_its_summer_across_the_new_year():
    dues = ["20260115T090000", "20260615T090000", "20261215T090000"]
    result = interchange.read(_calendar("My Sydney", AUSTRALIA, dues), zone=UTC)
    assert [row.due_date for row in result.rows] == [
        datetime(2026, 1, 15, 9, 0, tzinfo=SYDNEY),
        datetime(2026, 6, 15, 9, 0, tzinfo=SYDNEY),
        datetime(2026, 12, 15, 9, 0, tzinfo=SYDNEY),
    ]
    assert result.warnings == ()


def test_a_zone_without_daylight_saving_time_is_its_offset():
    block = _observance("STANDARD", "16010101T000000", "+0530", "+0530", None)
    result = interchange.read(_calendar("Office", block, ["20260301T090000"]), zone=UTC)
    assert [row.due_date for row in result.rows] == [datetime(2026, 3, 1, 3, 30, tzinfo=UTC)]
    assert result.warnings == ()


def test_a_display_name_with_its_block_is_read_by_the_rules_not_the_bare_offset():
    result = interchange.read(_calendar("(UTC+01:00) Somewhere Else", EUROPE, ["20260715T090000"]), zone=UTC)
    assert [row.due_date for row in result.rows] == [datetime(2026, 7, 15, 7, 0, tzinfo=UTC)]
    assert result.warnings == ()


def test_a_known_zone_name_wins_over_its_block():
    # Outlook writes a block for every zone it names; the tz database knows all its years.
    block = _observance("STANDARD", "16010101T000000", "+0000", "+0000", None)
    result = interchange.read(_calendar("W. Europe Standard Time", block, ["20260715T090000"]), zone=UTC)
    assert [row.due_date for row in result.rows] == [datetime(2026, 7, 15, 9, 0, tzinfo=BERLIN)]


@pytest.mark.parametrize(
    "block",
    [
        [],
        [
            *_observance("STANDARD", "16011028T030000", "+0200", "+0100", "FREQ=YEARLY;BYDAY=SU;BYMONTH=10"),
            *EUROPE[6:],
        ],
        [*EUROPE, *_observance("STANDARD", "19700101T000000", "+0100", "+0100", None)],
        _observance("STANDARD", "16011028T030000", "+0200", "+9900", None),
        [
            *_observance(
                "STANDARD", "16011028T030000", "+0200", "+0100", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=13"
            ),
            *EUROPE[6:],
        ],
        [
            *_observance(
                "STANDARD", "16011028T030000", "+0200", "+0100", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
            ),
            *_observance("DAYLIGHT", "16010325T020000", "+0100", "+0200", "FREQ=MONTHLY;BYDAY=-1SU"),
        ],
        [
            *_observance(
                "STANDARD", "16011028T030000", "+0200", "+0100", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
            ),
            *_observance("DAYLIGHT", "x" * 10_000, "+0100", "+0200", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
        ],
    ],
)
def test_rules_that_are_not_read_leave_the_zone_unknown_as_before(block: list[str]):
    result = interchange.read(_calendar("Customized Time Zone", block, ["20260301T090000"]), zone=UTC)
    assert [row.due_date for row in result.rows] == [datetime(2026, 3, 1, 9, 0, tzinfo=UTC)]
    assert [p.sentence for p in result.warnings] == [
        f"line {6 + len(block)} has the time zone “Customized Time Zone”, which is not known; read in yours"
    ]


def test_the_zone_of_a_block_turns_from_utc_and_back():
    zone = vtimezone_zone([("STANDARD", _props(EUROPE[:6])), ("DAYLIGHT", _props(EUROPE[6:]))])
    assert zone is not None
    nights = [datetime(2026, 3, 28, 22, tzinfo=UTC), datetime(2026, 10, 24, 22, tzinfo=UTC)]
    moments = [night + timedelta(minutes=15 * step) for night in nights for step in range(24)]
    for moment in (datetime(2026, 1, 1, 12, tzinfo=UTC), datetime(2026, 7, 1, 12, tzinfo=UTC), *moments):
        local = moment.astimezone(zone)
        assert local.utcoffset() == moment.astimezone(BERLIN).utcoffset(), moment
        assert local.astimezone(UTC) == moment
    assert datetime(2026, 7, 1, tzinfo=zone).dst() == timedelta(hours=1)
    assert datetime(2026, 1, 1, tzinfo=zone).utcoffset() == timezone(timedelta(hours=1)).utcoffset(None)


def _props(lines: list[str]) -> dict[str, list[tuple[dict[str, str], str | None]]]:
    found: dict[str, list[tuple[dict[str, str], str | None]]] = {}
    for line in lines[1:-1]:
        name, _, value = line.partition(":")
        found.setdefault(name, []).append(({}, value))
    return found


def test_many_blocks_and_to_dos_are_each_read():
    blocks = []
    for number in range(2_000):
        blocks += ["BEGIN:VTIMEZONE", f"TZID:Zone {number}", *EUROPE, "END:VTIMEZONE"]
    todos = []
    for number in range(2_000):
        todos += ["BEGIN:VTODO", f"UID:t{number}", "SUMMARY:T", f'DUE;TZID="Zone {number}":20260715T090000']
        todos += ["END:VTODO"]
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *blocks, *todos, "END:VCALENDAR", ""])
    result = interchange.read(text, zone=UTC)
    assert {row.due_date for row in result.rows} == {datetime(2026, 7, 15, 7, 0, tzinfo=UTC)}


def _after(tzid: str, block: list[str], dues: list[str]) -> str:
    """The calendar of `_calendar` with its VTIMEZONE block after the to-dos, as RFC 5545 allows."""
    lines = _calendar(tzid, [], dues).splitlines()  # its empty block is lines 3 to 5
    todos = lines[5:-1]
    after = [*todos, "BEGIN:VTIMEZONE", f"TZID:{tzid}", *block, "END:VTIMEZONE", "END:VCALENDAR", ""]
    return "\r\n".join([*lines[:2], *after])


def test_a_block_after_the_to_dos_that_use_it_is_read_too():
    dues = ["20260301T090000", "20260715T090000"]
    result = interchange.read(_after("Customized Time Zone", EUROPE, dues), zone=UTC)
    assert [row.due_date for row in result.rows] == [
        datetime(2026, 3, 1, 9, 0, tzinfo=BERLIN),
        datetime(2026, 7, 15, 9, 0, tzinfo=BERLIN),
    ]
    assert result.warnings == ()


def test_a_block_after_is_found_in_lower_case_and_folded_lines():
    text = _after("My Sydney", AUSTRALIA, ["20260615T090000"])
    text = text.replace("BEGIN:VTIMEZONE", "begin:vtime\r\n zone").replace(
        "END:VTIMEZONE", "End:VTimeZ\r\n\tone"
    )
    result = interchange.read(text, zone=UTC)
    assert [row.due_date for row in result.rows] == [datetime(2026, 6, 15, 9, 0, tzinfo=SYDNEY)]
    assert result.warnings == ()


def test_of_two_blocks_of_one_name_after_the_to_dos_the_first_is_read():
    office = _observance("STANDARD", "16010101T000000", "+0530", "+0530", None)
    text = _after("Office", office, ["20260301T090000"])
    second = ["BEGIN:VTIMEZONE", "TZID:Office", *EUROPE, "END:VTIMEZONE"]
    text = text.replace("END:VCALENDAR", "\r\n".join([*second, "END:VCALENDAR"]))
    [row] = interchange.read(text, zone=UTC).rows
    assert row.due_date == datetime(2026, 3, 1, 3, 30, tzinfo=UTC)


def test_a_block_inside_a_to_do_is_no_block_of_the_file_before_or_after():
    nested = ["BEGIN:VTIMEZONE", "TZID:Office", *EUROPE, "END:VTIMEZONE"]
    todo = ["BEGIN:VTODO", "UID:a", "SUMMARY:A", "DUE;TZID=Office:20260715T090000", "END:VTODO"]
    holder = ["BEGIN:VTODO", "UID:b", "SUMMARY:B", *nested, "END:VTODO"]
    for lines in ([*holder, *todo], [*todo, *holder]):
        text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""])
        result = interchange.read(text, zone=UTC)
        assert {row.title: row.due_date for row in result.rows}["A"] == datetime(
            2026, 7, 15, 9, 0, tzinfo=UTC
        )
        assert len(result.warnings) == 1


def test_an_unknown_zone_is_said_once_for_a_to_do_with_several_times_in_it():
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VTODO", "UID:a", "SUMMARY:A"]
    lines += ["DTSTART;TZID=Nowhere:20260301T090000", "DURATION:PT1H", "CREATED;TZID=Nowhere:20260101T090000"]
    lines += ["COMPLETED;TZID=Nowhere:20260301T100000", "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT5M"]
    lines += ["END:VALARM", "END:VTODO", "END:VCALENDAR", ""]
    result = interchange.read("\r\n".join(lines), zone=UTC)
    assert [row.due_date for row in result.rows] == [datetime(2026, 3, 1, 10, 0, tzinfo=UTC)]
    assert [p.sentence for p in result.warnings] == [
        "line 3 has the time zone “Nowhere”, which is not known; read in yours"
    ]


def test_an_unknown_zone_is_said_once_for_the_file_with_how_many_more_to_dos_have_it():
    tzids = ["Nowhere", "(UTC+01:00) Somewhere Else", "Nowhere", "Nowhere", "(UTC+01:00) Somewhere Else"]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for number, tzid in enumerate(tzids):
        lines += ["BEGIN:VTODO", f"UID:t{number}", f"SUMMARY:Task {number}"]
        lines += [f'DUE;TZID="{tzid}":20260301T090000', f'DTSTART;TZID="{tzid}":20260301T080000', "END:VTODO"]
    result = interchange.read("\r\n".join([*lines, "END:VCALENDAR", ""]), zone=UTC)
    assert len(result.rows) == 5
    assert [p.sentence for p in result.warnings] == [
        "line 3 and 2 more to-dos have the time zone “Nowhere”, which is not known; read in yours",
        "line 9 and 1 more to-do have the time zone “(UTC+01:00) Somewhere Else”, which is not known; "
        "read at UTC+01:00 all year, as its daylight saving time is not known",
    ]
    assert [p.number for p in result.warnings] == [3, 9]
    assert interchange.summary(result).startswith("5 tasks; 2 warnings: line 3 and 2 more to-dos have")


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The looks the reader takes through a whole file for its VTIMEZONE blocks (their sizes)."""
    found: list[int] = []
    read_blocks = ical_zones.file_blocks

    def counted(text: str) -> dict[str, tzinfo | None]:
        found.append(len(text))
        return read_blocks(text)

    monkeypatch.setattr(ical_zones, "file_blocks", counted)
    return found


def test_many_unknown_zones_and_blocks_after_them_read_the_file_once_more(passes: list[int]):
    # Every unknown name would send a reader that looks ahead for its block through the file:
    # 4,000 names, 4,000 passes over 4,000 to-dos. One pass must find every block behind.
    todos, blocks = [], []
    for number in range(4_000):
        todos += ["BEGIN:VTODO", f"UID:t{number}", "SUMMARY:T", f"DUE;TZID=Zone {number}:20260715T090000"]
        todos += ["END:VTODO"]
    for number in range(0, 4_000, 2):
        blocks += ["BEGIN:VTIMEZONE", f"TZID:Zone {number}", *EUROPE, "END:VTIMEZONE"]
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *todos, *blocks, "END:VCALENDAR", ""])
    result = interchange.read(text, zone=UTC)
    assert len(passes) == 1
    assert [row.due_date for row in result.rows[:2]] == [
        datetime(2026, 7, 15, 7, 0, tzinfo=UTC),
        datetime(2026, 7, 15, 9, 0, tzinfo=UTC),
    ]
    assert len(result.warnings) == 2_000


def test_the_lines_are_read_again_only_when_a_block_may_lie_ahead(passes: list[int]):
    unknown = ["BEGIN:VTODO", "UID:u", "SUMMARY:U", "DUE;TZID=Nowhere:20260301T090000", "END:VTODO"]
    first = _calendar("Customized Time Zone", EUROPE, ["20260301T090000"])
    first = first.replace("END:VCALENDAR", "\r\n".join([*unknown, "END:VCALENDAR"]))
    assert len(interchange.read(first, zone=UTC).warnings) == 1
    assert passes == []  # every block is behind: a name not known stays so without a second look
    described = first.replace("SUMMARY:U", "SUMMARY:U\r\nDESCRIPTION:no VTIMEZONE for it")
    assert len(interchange.read(described, zone=UTC).warnings) == 1
    assert len(passes) == 1  # the name once more than the blocks: looked for, not found
    result = interchange.read(_after("Customized Time Zone", EUROPE, ["20260301T090000"]), zone=UTC)
    assert [row.due_date for row in result.rows] == [datetime(2026, 3, 1, 9, 0, tzinfo=BERLIN)]
    assert len(passes) == 2
