"""The quick-add case table: what a person types, and what the task must become.

Shared by the tests (tests/core/test_quick_entry.py) and the benchmark
(``python -m tests.bench.quick_entry``). Unless a case says otherwise it is read on Saturday
2026-12-05 at 10:00 in Europe/Berlin, day first.

``due`` is the local due date, "YYYY-MM-DD" for a date without a time (due 23:59 local,
``has_time`` False) or "YYYY-MM-DD HH:MM" with one; a trailing "Z" gives the instant in UTC
instead (for wall-clock times a DST change skips or repeats). A case without ``due`` and
``repeat`` is a trap: a title that must keep all its words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from todo_desktop.core.reminders import ReminderSetting
from todo_desktop.core.values import Priority

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo(BERLIN))  # a Saturday
BEFORE_SPRING = datetime(2027, 3, 27, 10, 0, tzinfo=ZoneInfo(BERLIN))  # clocks go forward at 02:00 next night
BEFORE_AUTUMN = datetime(2026, 10, 24, 10, 0, tzinfo=ZoneInfo(BERLIN))  # clocks go back at 03:00 next night
NEW_YEARS_EVE = datetime(2026, 12, 31, 22, 0, tzinfo=ZoneInfo(BERLIN))  # a Thursday, late
NEW_YORK_NIGHT = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)  # still Friday 4 December in New York
LEAP_YEAR = datetime(2028, 2, 1, 9, 0, tzinfo=ZoneInfo(BERLIN))
END_OF_JANUARY = datetime(2027, 1, 31, 9, 0, tzinfo=ZoneInfo(BERLIN))

WORKDAYS = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
H, U, M, L = Priority.HIGH, Priority.URGENT, Priority.MEDIUM, Priority.LOW


@dataclass(frozen=True)
class Case:
    text: str
    title: str
    due: str | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] = ()
    repeat: str | None = None
    after: bool = False
    parts: tuple[tuple[str, str], ...] | None = None  # (kind, text) of every part, when given
    now: datetime = NOW
    zone: str = BERLIN
    day_first: bool = True
    timed: bool | None = None  # for a due given in UTC ("...Z"): whether it has a time
    # The reminder: an offset before the due time, or a local "YYYY-MM-DD HH:MM" of its own.
    remind_before: timedelta | None = None
    remind_at: str | None = None

    @property
    def trap(self) -> bool:
        return self.due is None and self.repeat is None and self.expected_reminder() is None

    def expected_reminder(self) -> ReminderSetting | None:
        if self.remind_before is not None:
            return ReminderSetting(before_due=self.remind_before)
        if self.remind_at is not None:
            local = datetime.fromisoformat(self.remind_at).replace(tzinfo=ZoneInfo(self.zone))
            return ReminderSetting(at=local.astimezone(UTC))
        return None

    @property
    def has_time(self) -> bool:
        if self.timed is not None:
            return self.timed
        return self.due is not None and (" " in self.due)

    def expected_due(self) -> datetime | None:
        if self.due is None:
            return None
        if self.due.endswith("Z"):
            return datetime.fromisoformat(self.due[:-1]).replace(tzinfo=UTC)
        zone = ZoneInfo(self.zone)
        if " " in self.due:
            return datetime.fromisoformat(self.due).replace(tzinfo=zone).astimezone(UTC)
        # 23:59 local: a minute before the next local midnight (core.clock.end_of_day).
        nxt = datetime.fromisoformat(self.due).date() + timedelta(days=1)
        return datetime(nxt.year, nxt.month, nxt.day, tzinfo=zone).astimezone(UTC) - timedelta(minutes=1)

    def __str__(self) -> str:
        return self.text


def c(text: str, title: str, due: str | None = None, **fields: object) -> Case:
    return Case(text, title, due, **fields)  # type: ignore[arg-type]


CASES: list[Case] = [
    # -- days by name ----------------------------------------------------------------------
    c("Buy milk today", "Buy milk", "2026-12-05", parts=(("date", "today"),)),
    c("Buy milk tomorrow", "Buy milk", "2026-12-06"),
    c("Buy milk tmrw", "Buy milk", "2026-12-06"),
    c("Call mom Today", "Call mom", "2026-12-05"),
    c("Pay bills TOMORROW", "Pay bills", "2026-12-06"),
    c("Party tonight", "Party", "2026-12-05 20:00"),
    c("Party tonight at 9pm", "Party", "2026-12-05 21:00"),
    c("Laundry tonight 11pm", "Laundry", "2026-12-05 23:00"),
    # -- weekdays (Saturday today) ---------------------------------------------------------
    c("Submit report fri", "Submit report", "2026-12-11"),
    c("Submit report friday", "Submit report", "2026-12-11"),
    c("Submit report Friday", "Submit report", "2026-12-11"),
    c("Submit report next friday", "Submit report", "2026-12-11", parts=(("date", "next friday"),)),
    c("Submit report this friday", "Submit report", "2026-12-11"),
    c("Call grandma saturday", "Call grandma", "2026-12-05"),
    c("Call grandma next saturday", "Call grandma", "2026-12-12"),
    c("Team lunch mon", "Team lunch", "2026-12-07"),
    c("Team lunch next monday", "Team lunch", "2026-12-07"),
    c("Team lunch tue", "Team lunch", "2026-12-08"),
    c("Team lunch thurs", "Team lunch", "2026-12-10"),
    c("Laundry sunday", "Laundry", "2026-12-06"),
    c("Laundry on sun", "Laundry", "2026-12-06", parts=(("date", "on sun"),)),
    c("Laundry next sun", "Laundry", "2026-12-13"),
    c("Haircut on wed", "Haircut", "2026-12-09"),
    c("Haircut Fri.", "Haircut", "2026-12-11"),
    # -- relative --------------------------------------------------------------------------
    c("Renew passport in 3 days", "Renew passport", "2026-12-08", parts=(("date", "in 3 days"),)),
    c("Renew passport in 2 weeks", "Renew passport", "2026-12-19"),
    c("Renew passport in a week", "Renew passport", "2026-12-12"),
    c("Renew passport in 1 month", "Renew passport", "2027-01-05"),
    c("Renew passport in 2 years", "Renew passport", "2028-12-05"),
    c("Plan sprint next week", "Plan sprint", "2026-12-07"),
    c("Pay invoice next month", "Pay invoice", "2027-01-01"),
    c("Tax planning next year", "Tax planning", "2027-01-01"),
    c("Hike this weekend", "Hike", "2026-12-05"),
    c("Hike next weekend", "Hike", "2026-12-12"),
    c("Fix the 3 bugs in 3 days", "Fix the 3 bugs", "2026-12-08"),
    # -- dates -----------------------------------------------------------------------------
    c("Buy gifts dec 24", "Buy gifts", "2026-12-24"),
    c("Buy gifts 24 dec", "Buy gifts", "2026-12-24"),
    c("Buy gifts december 24th", "Buy gifts", "2026-12-24", parts=(("date", "december 24th"),)),
    c("Buy gifts December 24", "Buy gifts", "2026-12-24"),
    c("Buy gifts 24th of december", "Buy gifts", "2026-12-24"),
    c("Buy gifts the 24th of December", "Buy gifts", "2026-12-24"),
    c("Buy gifts 2026-12-24", "Buy gifts", "2026-12-24"),
    c("Buy gifts 24/12", "Buy gifts", "2026-12-24"),
    c("Buy gifts 12/31", "Buy gifts", "2026-12-31"),
    c("Book flight 5/6", "Book flight", "2027-06-05"),
    c("Book flight 5/6", "Book flight", "2027-05-06", day_first=False),
    c("Book flight 24/12", "Book flight", "2026-12-24", day_first=False),
    c("Book flight 24.12.", "Book flight", "2026-12-24"),
    c("Book flight 24.12.2027", "Book flight", "2027-12-24"),
    c("Book flight 12/24/2027", "Book flight", "2027-12-24"),
    c("Taxes 15 April", "Taxes", "2027-04-15"),
    c("Taxes apr 15", "Taxes", "2027-04-15"),
    c("Dentist jan 5", "Dentist", "2027-01-05"),
    c("Dentist dec 5", "Dentist", "2026-12-05"),
    c("Dentist dec 4", "Dentist", "2027-12-04"),
    c("Concert dec 24 2027", "Concert", "2027-12-24", parts=(("date", "dec 24 2027"),)),
    c("Concert Dec. 24", "Concert", "2026-12-24"),
    c("Pay rent on the 15th", "Pay rent", "2026-12-15", parts=(("date", "on the 15th"),)),
    c("Pay rent on the 1st", "Pay rent", "2027-01-01"),
    c("Pay rent on dec 28", "Pay rent", "2026-12-28"),
    # -- times -----------------------------------------------------------------------------
    c("Call bank 5pm", "Call bank", "2026-12-05 17:00", parts=(("time", "5pm"),)),
    c("Call bank 5:30pm", "Call bank", "2026-12-05 17:30"),
    c("Call bank 17:00", "Call bank", "2026-12-05 17:00"),
    c("Call bank at 9am", "Call bank", "2026-12-06 09:00", parts=(("time", "at 9am"),)),
    c("Call bank 10:00", "Call bank", "2026-12-05 10:00"),
    c("Call bank 5 pm", "Call bank", "2026-12-05 17:00"),
    c("Call bank 5 p.m.", "Call bank", "2026-12-05 17:00"),
    c("Lunch with Sam at noon", "Lunch with Sam", "2026-12-05 12:00"),
    c("Lunch @ noon", "Lunch", "2026-12-05 12:00"),
    c("Submit by midnight", "Submit", "2026-12-06 00:00"),
    c("Standup at 9:30", "Standup", "2026-12-06 09:30"),
    c("Standup 09:30", "Standup", "2026-12-06 09:30"),
    c("Flight 12am", "Flight", "2026-12-06 00:00"),
    c("Flight 12pm", "Flight", "2026-12-05 12:00"),
    c("Bake today at 3am", "Bake", "2026-12-05 03:00"),
    c(
        "Meeting tomorrow at 5pm",
        "Meeting",
        "2026-12-06 17:00",
        parts=(("date", "tomorrow"), ("time", "at 5pm")),
    ),
    c("Meeting 5pm tomorrow", "Meeting", "2026-12-06 17:00"),
    c("Meeting friday 9am", "Meeting", "2026-12-11 09:00"),
    c("Meeting on friday at 9:30am", "Meeting", "2026-12-11 09:30"),
    c("Dinner dec 24 at 7pm", "Dinner", "2026-12-24 19:00"),
    c("Dinner 2026-12-24 19:30", "Dinner", "2026-12-24 19:30"),
    c("Deploy friday midnight", "Deploy", "2026-12-12 00:00"),
    c("Pay by friday", "Pay", "2026-12-11", parts=(("date", "by friday"),)),
    c("Taxes due tomorrow", "Taxes", "2026-12-06"),
    c("Taxes due: tomorrow", "Taxes", "2026-12-06"),
    c("Send invoice tomorrow morning", "Send invoice", "2026-12-06 09:00"),
    c("Call tomorrow afternoon", "Call", "2026-12-06 15:00"),
    c("Movie friday night", "Movie", "2026-12-11 20:00", parts=(("date", "friday"), ("time", "night"))),
    c("Meet on friday morning with Bob", "Meet with Bob", "2026-12-11 09:00"),
    # -- priority --------------------------------------------------------------------------
    c("Fix bug !high", "Fix bug", priority=H, parts=(("priority", "!high"),)),
    c("Fix bug !urgent", "Fix bug", priority=U),
    c("Fix bug !low", "Fix bug", priority=L),
    c("Fix bug !medium", "Fix bug", priority=M),
    c("Fix bug !High", "Fix bug", priority=H),
    c("!high Fix bug", "Fix bug", priority=H),
    c("Fix !urgent bug in parser", "Fix bug in parser", priority=U),
    c("Fix bug p1", "Fix bug", priority=U),
    c("Fix bug p2", "Fix bug", priority=H),
    c("Fix bug p3", "Fix bug", priority=M),
    c("Fix bug p4", "Fix bug", priority=L),
    c("Fix bug P2", "Fix bug", priority=H),
    c("Fix bug !low !high", "Fix bug !low", priority=H),
    c("Fix bug tomorrow p1", "Fix bug", "2026-12-06", priority=U),
    c("Fix bug p1 tomorrow", "Fix bug", "2026-12-06", priority=U),
    # -- tags ------------------------------------------------------------------------------
    c("Buy milk #shopping", "Buy milk", tags=("shopping",), parts=(("tag", "#shopping"),)),
    c("Buy milk #Home #home", "Buy milk", tags=("Home",)),
    c("Buy milk #home #work", "Buy milk", tags=("home", "work")),
    c("Einkaufen #Küche", "Einkaufen", tags=("Küche",)),
    c("Позвонить маме #семья", "Позвонить маме", tags=("семья",)),
    c("Plan trip #旅行", "Plan trip", tags=("旅行",)),
    c("Buy milk #to-do_list", "Buy milk", tags=("to-do_list",)),
    c("#home Fix the sink", "Fix the sink", tags=("home",)),
    c("Clean #home tomorrow", "Clean", "2026-12-06", tags=("home",)),
    c("Clean tomorrow #home", "Clean", "2026-12-06", tags=("home",)),
    c("Learn C# today", "Learn C#", "2026-12-05"),
    # -- repeats ---------------------------------------------------------------------------
    c("Stretch every day", "Stretch", "2026-12-05", repeat="FREQ=DAILY", parts=(("repeat", "every day"),)),
    c("Standup every weekday", "Standup", "2026-12-07", repeat=WORKDAYS),
    c("Gym every monday", "Gym", "2026-12-07", repeat="FREQ=WEEKLY;BYDAY=MO"),
    c("Gym every Monday", "Gym", "2026-12-07", repeat="FREQ=WEEKLY;BYDAY=MO"),
    c("Standup Every Monday", "Standup", "2026-12-07", repeat="FREQ=WEEKLY;BYDAY=MO"),
    c("Water plants every 2 weeks", "Water plants", "2026-12-05", repeat="FREQ=WEEKLY;INTERVAL=2"),
    c("Pay rent every month on the 1st", "Pay rent", "2027-01-01", repeat="FREQ=MONTHLY;BYMONTHDAY=1"),
    c("Pay rent every month on 1st", "Pay rent", "2027-01-01", repeat="FREQ=MONTHLY;BYMONTHDAY=1"),
    c("Renew domain every year", "Renew domain", "2026-12-05", repeat="FREQ=YEARLY"),
    c("Water plants every! 3 days", "Water plants", "2026-12-05", repeat="FREQ=DAILY;INTERVAL=3", after=True),
    c("Water plants every! week", "Water plants", "2026-12-05", repeat="FREQ=WEEKLY", after=True),
    c("Backup every week", "Backup", "2026-12-05", repeat="FREQ=WEEKLY"),
    c("Pay card every 15th", "Pay card", "2026-12-15", repeat="FREQ=MONTHLY;BYMONTHDAY=15"),
    c("Pay card every 31st", "Pay card", "2026-12-31", repeat="FREQ=MONTHLY;BYMONTHDAY=31"),
    c("Send card every dec 24", "Send card", "2026-12-24", repeat="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24"),
    c("Celebrate every feb 29", "Celebrate", "2028-02-29", repeat="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
    c("Clean every other week", "Clean", "2026-12-05", repeat="FREQ=WEEKLY;INTERVAL=2"),
    c("Clean every other friday", "Clean", "2026-12-11", repeat="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
    c("Sync every 2 weeks on monday", "Sync", "2026-12-07", repeat="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    c("Report every 3 months", "Report", "2026-12-05", repeat="FREQ=MONTHLY;INTERVAL=3"),
    c("Vitamins daily", "Vitamins", "2026-12-05", repeat="FREQ=DAILY"),
    c("Review weekly", "Review", "2026-12-05", repeat="FREQ=WEEKLY"),
    c("Invoice monthly", "Invoice", "2026-12-05", repeat="FREQ=MONTHLY"),
    c("Brunch every weekend", "Brunch", "2026-12-05", repeat="FREQ=WEEKLY;BYDAY=SA,SU"),
    c("Standup every weekday at 9:30", "Standup", "2026-12-07 09:30", repeat=WORKDAYS),
    c("Stretch every day at 9am", "Stretch", "2026-12-06 09:00", repeat="FREQ=DAILY"),
    c("Stretch every day at 5pm", "Stretch", "2026-12-05 17:00", repeat="FREQ=DAILY"),
    c("Gym tomorrow every monday", "Gym", "2026-12-06", repeat="FREQ=WEEKLY;BYDAY=MO"),
    c("Gym every saturday 7am", "Gym", "2026-12-12 07:00", repeat="FREQ=WEEKLY;BYDAY=SA"),
    c(
        "Take out trash every tuesday evening",
        "Take out trash",
        "2026-12-08 19:00",
        repeat="FREQ=WEEKLY;BYDAY=TU",
    ),
    # -- traps: titles that keep every word ------------------------------------------------
    c("Call Mark about the budget", "Call Mark about the budget"),
    c("May Day party", "May Day party"),
    c("The Last of Us", "The Last of Us"),
    c("Watch Friday Night Lights", "Watch Friday Night Lights"),
    c("Fix the 3 bugs in March release notes", "Fix the 3 bugs in March release notes"),
    c("Buy 2 apples", "Buy 2 apples"),
    c("The 5th Wave", "The 5th Wave"),
    c("The 9/11 Report", "The 9/11 Report"),
    c("Renovation - 2nd Floor Bath", "Renovation - 2nd Floor Bath"),
    c("Decide on Jane's offer", "Decide on Jane's offer"),
    c("check money", "check money"),
    c("Move old monitor to attic", "Move old monitor to attic"),
    c("Buy paprika", "Buy paprika"),
    c("Remark on the draft", "Remark on the draft"),
    c("delete mails up to january 30th", "delete mails up to january 30th"),
    c("Read John 3:16", "Read John 3:16"),
    c("Enjoy the sun", "Enjoy the sun"),
    c("Finally sat down", "Finally sat down"),
    c("Get wed", "Get wed"),
    c("Shop Black Friday", "Shop Black Friday"),
    c("Monday Night Football", "Monday Night Football"),
    c("Tomorrow Never Dies", "Tomorrow Never Dies"),
    c("Friday", "Friday"),
    c("tomorrow", "tomorrow"),
    c("at 5pm", "at 5pm"),
    c("Meet at 9", "Meet at 9"),
    c("Plan the day after tomorrow", "Plan the day after tomorrow"),
    c("Move meeting to friday", "Move meeting to friday"),
    c("Start after friday", "Start after friday"),
    c("Notes since monday", "Notes since monday"),
    c("Meet at the 5th floor", "Meet at the 5th floor"),
    c("Buy milk 2", "Buy milk 2"),
    c("Fix p1 bug", "Fix p1 bug"),
    c("Season 2 episode 5", "Season 2 episode 5"),
    c("Book tickets for friday", "Book tickets for friday"),
    c("Score was 3:2", "Score was 3:2"),
    c("Version 1.2", "Version 1.2"),
    c("Read Tomorrow's paper", "Read Tomorrow's paper"),
    c("Pay rent tomorrow.", "Pay rent tomorrow."),
    c("Invest in March", "Invest in March"),
    c("Talk on Friday Night Lights", "Talk on Friday Night Lights"),
    c("Tickets on May 5 Festival", "Tickets on May 5 Festival"),
    c("Sing Every Breath You Take", "Sing Every Breath You Take"),
    c("Review daily standup notes", "Review daily standup notes"),
    c("Write the daily", "Write the daily"),
    c("Fix the next release", "Fix the next release"),
    c("Dinner at Luigi's", "Dinner at Luigi's"),
    c("Bake cookies 24", "Bake cookies 24"),
    c("Call Tom", "Call Tom"),
    c("Leap day feb 29", "Leap day feb 29"),
    c("Report feb 30", "Report feb 30"),
    c("Fix issue #12", "Fix issue #12"),
    c("Write #2024-review", "Write #2024-review"),
    c("Buy milk #home, eggs", "Buy milk #home, eggs"),
    c("Buy 1/2 kg flour", "Buy 1/2 kg flour"),
    c("Mark Twain biography", "Mark Twain biography"),
    c("Jan's birthday party", "Jan's birthday party"),
    c("Watch Next Friday movie", "Watch Next Friday movie"),
    c("Thank Sunny", "Thank Sunny"),
    c("Meet at 25:00", "Meet at 25:00"),
    c("Pay in 0 days", "Pay in 0 days"),
    c("Repeat every so often", "Repeat every so often"),
    c("Say good morning", "Say good morning"),
    c("Plan the day after tomorrow morning", "Plan the day after tomorrow morning"),
    c("Do taxes before April 15", "Do taxes before April 15"),
    c("Order pizza at 7", "Order pizza at 7"),
    c("Schedule 1:1 with Ana", "Schedule 1:1 with Ana"),
    c("Listen to April Come She Will", "Listen to April Come She Will"),
    c("See Sunday in the Park with George", "See Sunday in the Park with George"),
    c("Buy tickets for Dec 31 concert", "Buy tickets for Dec 31 concert"),
    c("Check in on the 3rd quarter numbers", "Check in on the 3rd quarter numbers"),
    # -- escapes ---------------------------------------------------------------------------
    c('Read "The 5th Wave"', "Read The 5th Wave"),
    c('Read "The 5th Wave" tomorrow', "Read The 5th Wave", "2026-12-06"),
    c("Read \u201cThe 5th Wave\u201d tomorrow", "Read \u201cThe 5th Wave\u201d", "2026-12-06"),
    c("Buy \\#not-a-tag", "Buy #not-a-tag"),
    c('Watch "Next Friday"', "Watch Next Friday"),
    c("Email re \\tomorrow", "Email re tomorrow"),
    c('Watch "Friday" tomorrow', "Watch Friday", "2026-12-06"),
    c('Call mom tomorrow "at 5pm"', "Call mom at 5pm", "2026-12-06"),
    c('Print "dec 24" labels', "Print dec 24 labels"),
    c("Update docs \\p1", "Update docs p1"),
    c("Ship it \\!high", "Ship it !high"),
    c('"delete mails up to january 30th"', "delete mails up to january 30th"),
    c('Fix \\"quoted" title', 'Fix "quoted" title'),
    # -- in the middle, after a cue ----------------------------------------------------------
    c("Meet on friday at 5pm with Bob", "Meet with Bob", "2026-12-11 17:00"),
    c("Meeting at 5pm with Bob", "Meeting with Bob", "2026-12-05 17:00"),
    c("Call Anna on dec 24 about gifts", "Call Anna about gifts", "2026-12-24"),
    c("Submit report by friday EOD", "Submit report EOD", "2026-12-11"),
    c("Meeting on friday 5pm with Bob", "Meeting with Bob", "2026-12-11 17:00"),
    c("Meeting friday at 5pm with Bob", "Meeting friday with Bob", "2026-12-05 17:00"),
    # -- together --------------------------------------------------------------------------
    c(
        "Call mom tomorrow at 5pm !high #family",
        "Call mom",
        "2026-12-06 17:00",
        priority=H,
        tags=("family",),
        parts=(("date", "tomorrow"), ("time", "at 5pm"), ("priority", "!high"), ("tag", "#family")),
    ),
    c(
        "Pay rent every month on the 1st !high #finance",
        "Pay rent",
        "2027-01-01",
        priority=H,
        tags=("finance",),
        repeat="FREQ=MONTHLY;BYMONTHDAY=1",
    ),
    c("Renew passport in 2 weeks p2 #admin", "Renew passport", "2026-12-19", priority=H, tags=("admin",)),
    c("Concert 24 dec 8pm #music", "Concert", "2026-12-24 20:00", tags=("music",)),
    c("Dentist - tomorrow", "Dentist", "2026-12-06"),
    c("Dentist: friday 9am", "Dentist", "2026-12-11 09:00"),
    c("Dentist \u2013 friday, or later - tomorrow", "Dentist \u2013 friday, or later", "2026-12-06"),
    c("Grade C- #school", "Grade C-", tags=("school",)),
    c("Meeting friday tomorrow", "Meeting friday", "2026-12-06"),
    # -- DST changes (Berlin) --------------------------------------------------------------
    c("Run tomorrow 9am", "Run", "2027-03-28 09:00", now=BEFORE_SPRING),
    c("Run tomorrow", "Run", "2027-03-28 21:59Z", now=BEFORE_SPRING, timed=False),
    c("Run tomorrow 2:30am", "Run", "2027-03-28 01:30Z", now=BEFORE_SPRING),
    c("Run in 1 day", "Run", "2027-03-28", now=BEFORE_SPRING),
    c("Run tomorrow 2:30am", "Run", "2026-10-25 00:30Z", now=BEFORE_AUTUMN),
    c("Run tomorrow", "Run", "2026-10-25 22:59Z", now=BEFORE_AUTUMN, timed=False),
    c("Run tomorrow 9am", "Run", "2026-10-25 08:00Z", now=BEFORE_AUTUMN),
    # -- the year's end --------------------------------------------------------------------
    c("Party tomorrow", "Party", "2027-01-01", now=NEW_YEARS_EVE),
    c("Party jan 1", "Party", "2027-01-01", now=NEW_YEARS_EVE),
    c("Party dec 31", "Party", "2026-12-31", now=NEW_YEARS_EVE),
    c("Party dec 30", "Party", "2027-12-30", now=NEW_YEARS_EVE),
    c("Party next month", "Party", "2027-01-01", now=NEW_YEARS_EVE),
    c("Party next week", "Party", "2027-01-04", now=NEW_YEARS_EVE),
    c("Party 9pm", "Party", "2027-01-01 21:00", now=NEW_YEARS_EVE),
    c("Party tonight", "Party", "2026-12-31", now=NEW_YEARS_EVE),
    c("Party friday", "Party", "2027-01-01", now=NEW_YEARS_EVE),
    c("Party in 1 year", "Party", "2027-12-31", now=NEW_YEARS_EVE),
    c(
        "Plan every month on the 1st",
        "Plan",
        "2027-01-01",
        repeat="FREQ=MONTHLY;BYMONTHDAY=1",
        now=NEW_YEARS_EVE,
    ),
    c("Leap day feb 29", "Leap day", "2028-02-29", now=LEAP_YEAR),
    c("Pay in 1 month", "Pay", "2027-02-28", now=END_OF_JANUARY),
    # -- another zone: the local date decides ----------------------------------------------
    c("Call tomorrow", "Call", "2026-12-05", zone=NEW_YORK, now=NEW_YORK_NIGHT),
    c("Call friday", "Call", "2026-12-04", zone=NEW_YORK, now=NEW_YORK_NIGHT),
    c("Call 12/31", "Call", "2026-12-31", zone=NEW_YORK, now=NEW_YORK_NIGHT, day_first=False),
    c("Call 5/6", "Call", "2027-05-06", zone=NEW_YORK, now=NEW_YORK_NIGHT, day_first=False),
    c("Call at 11pm", "Call", "2026-12-04 23:00", zone=NEW_YORK, now=NEW_YORK_NIGHT),
]

# The reminder words' cases sit beside this table (it would pass 400 lines) and use c() above.
from tests.core.quick_entry_reminder_cases import REMINDER_CASES  # noqa: E402

CASES += REMINDER_CASES
