"""Dates as spreadsheets write them in CSV: German (01.03.2026 14:30), American (3/1/2026
2:30 PM) and British (01/03/2026), read with one order per column, and said when it is a guess."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tests.core.interchange_strategies import excel_csv
from todo_desktop.core import interchange
from todo_desktop.core.values import SignedIn, Status, TaskQuery
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.sync.transfer import ImportJob

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)


_sheet = excel_csv


def _due(result: interchange.ImportResult) -> dict[str, datetime | None]:
    return {row.title: row.due_date for row in result.rows}


# Excel in Germany: semicolons, dates with dots, a two-digit year, times with seconds.
GERMAN = _sheet(
    "Title;Due;Notes;Done",
    "Steuererklärung abgeben;31.07.2026;Belege im Ordner;",
    "Zahnarzt;01.03.2026 14:30;;",
    "Reifen wechseln;15.10.26;;x",
    "Arzttermin;02.03.2026 08:05:30;;",
)

# Excel in the US: month first, 12-hour times, one date that can only be month first.
AMERICAN = _sheet(
    "Title,Due Date,Notes",
    "Pay rent,3/1/2026,",
    'Dentist,3/1/2026 2:30 PM,"Bring the insurance card"',
    "Call Bob,12/15/2026 9:05:30 AM,",
    "Night shift,3/2/26 12:15 AM,",
    "Lunch,3/2/26 12:15 PM,",
)

# LibreOffice in the UK: day first, but no date in it shows that.
BRITISH = _sheet(
    "title,due,notes",
    "Renew passport,01/03/2026,",
    "Book MOT,04/05/2026 17:00,",
    "Pay council tax,02/02/2026,",
    "Send card,2026-06-10,",
    bom=False,
)


def test_german_dates_are_read_day_first_without_a_question():
    result = interchange.read(GERMAN, zone=BERLIN)
    assert result.format == "csv"
    assert _due(result) == {
        "Steuererklärung abgeben": datetime(2026, 7, 31, 23, 59, tzinfo=BERLIN),
        "Zahnarzt": datetime(2026, 3, 1, 14, 30, tzinfo=BERLIN),
        "Reifen wechseln": datetime(2026, 10, 15, 23, 59, tzinfo=BERLIN),
        "Arzttermin": datetime(2026, 3, 2, 8, 5, 30, tzinfo=BERLIN),
    }
    assert (result.skipped, result.warnings) == ((), ())


def test_american_dates_are_read_month_first_from_the_one_that_shows_it():
    result = interchange.read(AMERICAN, zone=NEW_YORK)
    assert _due(result) == {
        "Pay rent": datetime(2026, 3, 1, 23, 59, tzinfo=NEW_YORK),
        "Dentist": datetime(2026, 3, 1, 14, 30, tzinfo=NEW_YORK),
        "Call Bob": datetime(2026, 12, 15, 9, 5, 30, tzinfo=NEW_YORK),
        "Night shift": datetime(2026, 3, 2, 0, 15, tzinfo=NEW_YORK),
        "Lunch": datetime(2026, 3, 2, 12, 15, tzinfo=NEW_YORK),
    }
    assert (result.skipped, result.warnings) == ((), ())


def test_dates_that_never_show_their_order_are_read_day_first_and_the_preview_says_so():
    result = interchange.read(BRITISH, zone=LONDON)
    assert _due(result) == {
        "Renew passport": datetime(2026, 3, 1, 23, 59, tzinfo=LONDON),
        "Book MOT": datetime(2026, 5, 4, 17, 0, tzinfo=LONDON),
        "Pay council tax": datetime(2026, 2, 2, 23, 59, tzinfo=LONDON),
        "Send card": datetime(2026, 6, 10, 23, 59, tzinfo=LONDON),  # ISO, as ever
    }
    sentence = (
        "dates like “01/03/2026” were read as 1 March 2026 (day first): "
        "no date in the file shows whether the day or the month comes first"
    )
    assert [p.sentence for p in result.warnings] == [sentence]
    assert interchange.summary(result) == f"4 tasks; 1 warning: {sentence}"


def test_a_column_that_never_shows_its_order_takes_the_order_another_column_shows():
    text = _sheet("title,due,created at", "Order seeds,04/05/2026,12/20/2025 10:00")
    result = interchange.read(text, zone=NEW_YORK)
    [row] = result.rows
    assert row.due_date == datetime(2026, 4, 5, 23, 59, tzinfo=NEW_YORK)
    assert row.created_at == datetime(2025, 12, 20, 10, 0, tzinfo=NEW_YORK)
    assert result.warnings == ()


def test_a_column_written_both_ways_names_each_date_it_cannot_tell():
    text = _sheet(
        "title,due",
        "Plant tulips,15/03/2026",
        "Prune roses,03/15/2026",
        "Rake leaves,01/02/2026",
        "Sow beans,05/05/2026",
    )
    result = interchange.read(text, zone=BERLIN)
    # Each of these can be read only one way, whatever the others do.
    assert _due(result) == {
        "Plant tulips": datetime(2026, 3, 15, 23, 59, tzinfo=BERLIN),
        "Prune roses": datetime(2026, 3, 15, 23, 59, tzinfo=BERLIN),
        "Sow beans": datetime(2026, 5, 5, 23, 59, tzinfo=BERLIN),
    }
    assert [p.sentence for p in result.skipped] == [
        "line 4 has a due date “01/02/2026” that could be 1 February 2026 or 2 January 2026: "
        "its column has dates written day first (line 2) and month first (line 3)"
    ]
    assert result.warnings == ()


def test_a_time_that_is_no_time_still_skips_its_row():
    result = interchange.read(_sheet("title,due", "Odd,3/1/2026 13:00 PM", "Fine,3/1/2026 1:00 PM"))
    assert [row.title for row in result.rows] == ["Fine"]
    assert [p.sentence for p in result.skipped] == [
        "line 2 has a due date “3/1/2026 13:00 PM” that is not a date"
    ]


def test_todoist_dates_written_month_first_are_read_so_and_its_words_still_are():
    text = _sheet(
        "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE",
        "task,Pay rent,,4,1,,,3/1/2026,en,America/New_York",
        "task,Dentist,,4,1,,,3/15/2026 2:30 PM,en,America/New_York",
        "task,Stand-up,,4,1,,,every monday,en,America/New_York",
        "task,Renew card,,4,1,,,1/3/26,en,America/New_York",
    )
    result = interchange.read(text, zone=BERLIN, now=NOW)
    assert result.format == "todoist"
    assert _due(result) == {
        "Pay rent": datetime(2026, 3, 1, 23, 59, tzinfo=NEW_YORK),
        "Dentist": datetime(2026, 3, 15, 14, 30, tzinfo=NEW_YORK),
        "Stand-up": datetime(2026, 2, 2, 23, 59, tzinfo=NEW_YORK),
        "Renew card": datetime(2026, 1, 3, 23, 59, tzinfo=NEW_YORK),
    }
    assert [row.repeat for row in result.rows] == [None, None, "FREQ=WEEKLY;BYDAY=MO", None]
    assert (result.skipped, result.warnings) == ((), ())


def test_todoist_dates_that_never_show_their_order_are_said_in_the_preview():
    text = _sheet("TYPE,CONTENT,DATE,TIMEZONE", "task,Pay rent,01/03/2026 09:00,Europe/London")
    result = interchange.read(text, zone=BERLIN, now=NOW)
    assert _due(result) == {"Pay rent": datetime(2026, 3, 1, 9, 0, tzinfo=LONDON)}
    assert [p.sentence for p in result.warnings] == [
        "dates like “01/03/2026 09:00” were read as 1 March 2026 (day first): "
        "no date in the file shows whether the day or the month comes first"
    ]


def test_an_american_sheet_goes_into_the_database_with_its_times(
    alice_tasks: TaskRepository, alice: SignedIn
):
    report = ImportJob(alice_tasks, alice.account.id, interchange.read(AMERICAN, zone=NEW_YORK)).run()
    assert report.sentence() == "Imported 5 tasks: 5 new, 0 already there."
    stored = {t.title: t.due_date for t in alice_tasks.list(TaskQuery(status=Status.ALL)).tasks}
    assert stored["Dentist"] == datetime(2026, 3, 1, 19, 30, tzinfo=UTC)
    assert stored["Call Bob"] == datetime(2026, 12, 15, 14, 5, 30, tzinfo=UTC)


def test_a_caller_whose_locale_writes_month_first_reads_such_a_file_so():
    result = interchange.read(BRITISH, zone=LONDON, day_first=False)  # as the window and the CLI pass it
    assert _due(result)["Renew passport"] == datetime(2026, 1, 3, 23, 59, tzinfo=LONDON)
    assert [p.sentence for p in result.warnings] == [
        "dates like “01/03/2026” were read as 3 January 2026 (month first): "
        "no date in the file shows whether the day or the month comes first"
    ]


# Dates with the month's name, as Excel's "1-Mar-26" format and English sheets write them:
# the name leaves no order to guess.
NAMED = _sheet(
    "Title,Due",
    "Pay rent,1-Mar-26",
    "Dentist,15 March 2026 14:30",
    'Call Bob,"Mar 2, 2026"',
    "Lunch,March 3rd 2026 12:15 PM",
    "Taxes,Sept 30 2026",
    "Nonsense,32-Mar-26",
    "Nor this,1-Foo-26",
)


def test_dates_with_the_months_name_are_read_in_any_locale():
    for day_first in (True, False):
        result = interchange.read(NAMED, zone=LONDON, day_first=day_first)
        assert _due(result) == {
            "Pay rent": datetime(2026, 3, 1, 23, 59, tzinfo=LONDON),
            "Dentist": datetime(2026, 3, 15, 14, 30, tzinfo=LONDON),
            "Call Bob": datetime(2026, 3, 2, 23, 59, tzinfo=LONDON),
            "Lunch": datetime(2026, 3, 3, 12, 15, tzinfo=LONDON),
            "Taxes": datetime(2026, 9, 30, 23, 59, tzinfo=LONDON),
        }
        assert [p.sentence for p in result.skipped] == [
            "line 7 has a due date “32-Mar-26” that is not a date",
            "line 8 has a due date “1-Foo-26” that is not a date",
        ]
        assert result.warnings == ()
