"""iCalendar files from Outlook and Exchange name their zones the Windows way ("W. Europe
Standard Time"): read in the IANA zone CLDR maps each name to, not in the person's."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from todo_desktop.core import interchange
from todo_desktop.core.interchange.windows_zones import WINDOWS_ZONES, windows_zone
from todo_desktop.core.values import SignedIn, Status, TaskQuery
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.transfer import ImportJob

# As Outlook writes it: a VTIMEZONE block with the Windows name (which the reader does not
# need), then times in that zone by its name, quoted or not.
OUTLOOK = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
        "VERSION:2.0",
        "METHOD:PUBLISH",
        "BEGIN:VTIMEZONE",
        "TZID:W. Europe Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16011028T030000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010325T020000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        "BEGIN:VTODO",
        "UID:040000008200E00074C5B7101A82E00800000000A1",
        "SUMMARY:Quarterly report",
        "DUE;TZID=W. Europe Standard Time:20260301T090000",
        "END:VTODO",
        "BEGIN:VTODO",
        "UID:040000008200E00074C5B7101A82E00800000000A2",
        "SUMMARY:Call the New York office",
        'DUE;TZID="Eastern Standard Time":20260715T170000',
        "END:VTODO",
        "BEGIN:VTODO",
        "UID:040000008200E00074C5B7101A82E00800000000A3",
        "SUMMARY:Book the London hotel",
        "DUE;TZID=GMT Standard Time:20260715T090000",
        "END:VTODO",
        "BEGIN:VTODO",
        "UID:040000008200E00074C5B7101A82E00800000000A4",
        "SUMMARY:Send the Tokyo slides",
        "DUE;TZID=Tokyo Standard Time:20260301T090000",
        "END:VTODO",
        "BEGIN:VTODO",
        "UID:040000008200E00074C5B7101A82E00800000000A5",
        "SUMMARY:Tidy the desk",
        "DUE;TZID=Customized Time Zone:20260301T090000",
        "END:VTODO",
        "END:VCALENDAR",
        "",
    ]
).encode("utf-8")


def test_windows_zone_names_are_read_in_their_zones_and_an_unknown_one_still_warns():
    result = interchange.read(OUTLOOK, zone=UTC)
    assert {row.title: row.due_date for row in result.rows} == {
        "Quarterly report": datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        "Call the New York office": datetime(2026, 7, 15, 17, 0, tzinfo=ZoneInfo("America/New_York")),
        "Book the London hotel": datetime(2026, 7, 15, 9, 0, tzinfo=ZoneInfo("Europe/London")),
        "Send the Tokyo slides": datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
        "Tidy the desk": datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    }
    assert [p.sentence for p in result.warnings] == [
        "line 40 has the time zone “Customized Time Zone”, which is not known; read in yours"
    ]


def test_every_windows_name_maps_to_a_zone_this_machine_knows():
    assert len(WINDOWS_ZONES) > 130
    assert [name for name in WINDOWS_ZONES if windows_zone(name) is None] == []
    assert windows_zone("  w. europe   STANDARD time ") == ZoneInfo("Europe/Berlin")


def test_an_outlook_file_goes_into_the_database_at_its_times(alice_tasks: TaskRepository, alice: SignedIn):
    ImportJob(alice_tasks, alice.account.id, interchange.read(OUTLOOK, zone=UTC)).run()
    stored = {t.title: t.due_date for t in alice_tasks.list(TaskQuery(status=Status.ALL)).tasks}
    assert stored["Quarterly report"] == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert stored["Call the New York office"] == datetime(2026, 7, 15, 21, 0, tzinfo=UTC)
