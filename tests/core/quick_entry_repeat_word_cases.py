"""Quick-add cases for repeats said in words rather than numbers, read like the rest of the
table (tests/core/quick_entry_cases.py): on Saturday 2026-12-05 at 10:00 in Berlin, day first.
A weekday's place spelled out, a part of the day, a quarter."""

from __future__ import annotations

from tests.core.quick_entry_case_kit import c

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
]
