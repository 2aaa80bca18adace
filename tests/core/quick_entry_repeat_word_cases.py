"""Quick-add cases for repeats said in words rather than numbers, read like the rest of the
table (tests/core/quick_entry_cases.py): on Saturday 2026-12-05 at 10:00 in Berlin, day first.
A weekday's place spelled out, a part of the day, a quarter, the month's last day, a list of
weekdays without commas, and the words the details pane shows for a rule."""

from __future__ import annotations

from tests.core.quick_entry_case_kit import END_OF_JANUARY, LEAP_YEAR, c

LAST_DAY = "FREQ=MONTHLY;BYMONTHDAY=-1"

REPEAT_WORD_CASES = [
    # The place spelled out, as Todoist reads it; "second" is left out, since "every second
    # monday" is as often every other Monday.
    c("Plan every first monday", "Plan", "2026-12-07", repeat="FREQ=MONTHLY;BYDAY=1MO"),
    c("Review every third Friday", "Review", "2026-12-18", repeat="FREQ=MONTHLY;BYDAY=3FR"),
    c("Quiz every fifth thursday at 8pm", "Quiz", "2026-12-31 20:00", repeat="FREQ=MONTHLY;BYDAY=5TH"),
    c("Plan every month on the first monday", "Plan", "2026-12-07", repeat="FREQ=MONTHLY;BYDAY=1MO"),
    # A part of the day after "every" is a daily repeat at that time.
    c(
        "Take pills every morning",
        "Take pills",
        "2026-12-06 09:00",
        repeat="FREQ=DAILY",
        parts=(("repeat", "every morning"),),
    ),
    c("Walk the dog every evening", "Walk the dog", "2026-12-05 19:00", repeat="FREQ=DAILY"),
    c("Lock up every night", "Lock up", "2026-12-05 20:00", repeat="FREQ=DAILY"),
    c("Run every morning at 7am", "Run", "2026-12-06 07:00", repeat="FREQ=DAILY"),
    c("Report every quarter", "Report", "2026-12-05", repeat="FREQ=MONTHLY;INTERVAL=3"),
    # The month's last day, in Todoist's words and others'.
    c("Pay rent every last day", "Pay rent", "2026-12-31", repeat=LAST_DAY),
    c("Pay rent every last day of the month", "Pay rent", "2026-12-31", repeat=LAST_DAY),
    c("Pay rent last day of every month", "Pay rent", "2026-12-31", repeat=LAST_DAY),
    c("Pay rent on the last day of each month", "Pay rent", "2026-12-31", repeat=LAST_DAY),
    c("Invoice every month on the last day", "Invoice", "2026-12-31", repeat=LAST_DAY),
    c(
        "Invoice every 2 months on the last day at 5pm",
        "Invoice",
        "2026-12-31 17:00",
        repeat="FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-1",
    ),
    c(
        "File taxes every last day of feb",
        "File taxes",
        "2027-02-28",
        repeat="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1",
    ),
    c("Pay every last day", "Pay", "2027-01-31", repeat=LAST_DAY, now=END_OF_JANUARY),
    c("Pay every last day", "Pay", "2028-02-29", repeat=LAST_DAY, now=LEAP_YEAR),
    c("Pay rent the last day of the month", "Pay rent the last day of the month"),
    c("Finish last day", "Finish last day"),
    c("Last day of every month", "Last day of every month"),
    # A list of weekdays without commas, as the details pane leaves one; a month after them.
    c("Gym every mon wed fri", "Gym", "2026-12-07", repeat="FREQ=WEEKLY;BYDAY=MO,WE,FR"),
    c("Ski every saturday in january", "Ski", "2027-01-02", repeat="FREQ=WEEKLY;BYDAY=SA;BYMONTH=1"),
    c("Call every month on mondays", "Call", "2026-12-07", repeat="FREQ=MONTHLY;BYDAY=MO"),
]
