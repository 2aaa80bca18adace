"""Quick-add cases for the end of a week ("by end of week"), read like the rest of the table
(tests/core/quick_entry_cases.py): on Saturday 2026-12-05 at 10:00 in Berlin unless a case
says otherwise. Quick add's weeks start on Monday ("next week" is its Monday), so a week ends
on its Sunday; on a Sunday, "end of week" is today."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.core.quick_entry_case_kit import BERLIN, END_OF_JANUARY, c

SUNDAY = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo(BERLIN))
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo(BERLIN))
WEDNESDAY = datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo(BERLIN))

WEEK_END_CASES = [
    c("Send report by end of week", "Send report", "2026-12-06", parts=(("date", "by end of week"),)),
    c("Send report by the end of the week", "Send report", "2026-12-06"),
    c("Send report due end of the week", "Send report", "2026-12-06"),
    c("Send report by end of this week", "Send report", "2026-12-06"),
    c("Send report by END OF WEEK", "Send report", "2026-12-06"),
    c("Send report by end of week", "Send report", "2026-12-06", now=SUNDAY),  # today
    c("Send report by end of week", "Send report", "2026-12-13", now=MONDAY),
    c("Send report by end of week", "Send report", "2026-12-13", now=WEDNESDAY),
    c("Send report by end of week at 5pm", "Send report", "2026-12-06 17:00"),
    c("Send report by end of week at 6", "Send report", "2026-12-06 18:00"),
    c("Send report by end of week #work", "Send report", "2026-12-06", tags=("work",)),
    c("Call Anna by end of week about gifts", "Call Anna about gifts", "2026-12-06"),
    # The week after this one, and the same for a month and a year.
    c("Plan by end of next week", "Plan", "2026-12-13", parts=(("date", "by end of next week"),)),
    c("Plan by the end of next week", "Plan", "2026-12-13"),
    c("Plan by end of next week", "Plan", "2026-12-13", now=SUNDAY),
    c("Plan by end of next week", "Plan", "2026-12-20", now=MONDAY),
    c("Plan by end of next month", "Plan", "2027-01-31"),
    c("Plan by the end of next year", "Plan", "2027-12-31"),
    c("Plan by end of this month", "Plan", "2027-01-31", now=END_OF_JANUARY),
    c("Plan by end of next month", "Plan", "2027-02-28", now=END_OF_JANUARY),
    # Without a cue it may be what the task is about.
    c("The End of the Week", "The End of the Week"),
    c("Watch end of week", "Watch end of week"),
    c("Plan the end of the week", "Plan the end of the week"),
    c("Write End of the Week report", "Write End of the Week report"),
    c("Review by end of weeks", "Review by end of weeks"),
    c("Review by end of the next week", "Review by end of the next week"),
    c("Review by end of last week", "Review by end of last week"),
]
