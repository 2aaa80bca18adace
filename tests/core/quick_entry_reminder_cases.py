"""The quick-add case table, continued: the reminder words (see core/quick_entry/reminders.py).

Read like the rest of the table (tests/core/quick_entry_cases.py), on Saturday 2026-12-05 at
10:00 in Europe/Berlin unless a case says otherwise. ``remind_before`` is an offset before the
due time; ``remind_at`` a local "YYYY-MM-DD HH:MM" of its own. Cases with neither, and no due
date, are traps: every word stays in the title.
"""

from __future__ import annotations

from datetime import timedelta

from tests.core.quick_entry_case_kit import BEFORE_SPRING, NEW_YORK, NEW_YORK_NIGHT, Case, H, c

MIN, DAY = timedelta(minutes=1), timedelta(days=1)

REMINDER_CASES: list[Case] = [
    # -- reminders: an offset before the due time --------------------------------------------
    c(
        "Call mum friday 5pm remind 10 min before",
        "Call mum",
        "2026-12-11 17:00",
        remind_before=MIN * 10,
        parts=(("date", "friday"), ("time", "5pm"), ("reminder", "remind 10 min before")),
    ),
    c("Dentist tomorrow 3pm remind 1 hour before", "Dentist", "2026-12-06 15:00", remind_before=MIN * 60),
    c("Pay rent dec 24 remind 2 days before", "Pay rent", "2026-12-24", remind_before=DAY * 2),
    c("Pay rent remind me 2 days before dec 24", "Pay rent", "2026-12-24", remind_before=DAY * 2),
    c("Flight remind an hour before", "Flight", remind_before=MIN * 60),
    c("Flight remind 90 mins before", "Flight", remind_before=MIN * 90),
    c("Flight remind 3 hrs before", "Flight", remind_before=MIN * 180),
    c("Exam remind 4 weeks before", "Exam", remind_before=DAY * 28),
    c("Exam remind 30 days before", "Exam", remind_before=DAY * 30),
    c("Standup at 9:30 remind when due", "Standup", "2026-12-06 09:30", remind_before=MIN * 0),
    c(
        "Call mum tomorrow 5pm REMIND 10 MIN BEFORE #family",
        "Call mum",
        "2026-12-06 17:00",
        tags=("family",),
        remind_before=MIN * 10,
    ),
    c(
        "Gym every monday 7am remind 15 minutes before",
        "Gym",
        "2026-12-07 07:00",
        repeat="FREQ=WEEKLY;BYDAY=MO",
        remind_before=MIN * 15,
    ),
    # -- reminders at a time of their own ------------------------------------------------------
    c("Call mum remind at 5pm", "Call mum", remind_at="2026-12-05 17:00"),
    c("Call mum remind at 9am", "Call mum", remind_at="2026-12-06 09:00"),  # 9am has passed
    c("Call remind at 9", "Call", remind_at="2026-12-06 09:00"),  # an hour alone after "at"
    c("Call mum remind tomorrow 9am", "Call mum", remind_at="2026-12-06 09:00"),
    c("Call mum remind tomorrow at 9am", "Call mum", remind_at="2026-12-06 09:00"),
    c("Call mum remind at 5pm tomorrow", "Call mum", remind_at="2026-12-06 17:00"),
    c("Call mum remind me on friday", "Call mum", remind_at="2026-12-11 09:00"),
    c("Call mum remind tomorrow morning", "Call mum", remind_at="2026-12-06 09:00"),
    c("Call mum remind tonight", "Call mum", remind_at="2026-12-05 20:00"),
    c("Call mum remind this afternoon", "Call mum", remind_at="2026-12-05 15:00"),
    c("Call mum remind this evening at 8", "Call mum", remind_at="2026-12-05 20:00"),
    c("Taxes dec 31 remind dec 24 10am", "Taxes", "2026-12-31", remind_at="2026-12-24 10:00"),
    c("Call mum @5pm", "Call mum", remind_at="2026-12-05 17:00", parts=(("reminder", "@5pm"),)),
    c("Call mum @17:00", "Call mum", remind_at="2026-12-05 17:00"),
    c("Call mum @9am", "Call mum", remind_at="2026-12-06 09:00"),
    c("Dentist @fri 9am", "Dentist", remind_at="2026-12-11 09:00"),
    c("Dentist @tomorrow", "Dentist", remind_at="2026-12-06 09:00"),
    c(
        "Dentist friday 3pm @fri 9am !high",
        "Dentist",
        "2026-12-11 15:00",
        priority=H,
        remind_at="2026-12-11 09:00",
    ),
    c("Report remind at 5pm about taxes", "Report about taxes", remind_at="2026-12-05 17:00"),
    c("Call @9pm or remind at 5pm", "Call @9pm or", remind_at="2026-12-05 17:00"),  # the rightmost
    c(
        "Run tomorrow 9am remind 1 hour before",
        "Run",
        "2027-03-28 09:00",
        now=BEFORE_SPRING,
        remind_before=MIN * 60,
    ),
    c("Call remind at 11pm", "Call", zone=NEW_YORK, now=NEW_YORK_NIGHT, remind_at="2026-12-04 23:00"),
    # -- reminder words that stay text -----------------------------------------------------------
    c("meet @ home", "meet @ home"),
    c("email bob@example.com", "email bob@example.com"),
    c("remind mum about it", "remind mum about it"),
    c("Remind Bob of the party", "Remind Bob of the party"),
    c("Ask to remind me later", "Ask to remind me later"),
    c("Buy @home", "Buy @home"),
    c("Ping @bob", "Ping @bob"),
    c("Ping @5", "Ping @5"),
    c("Ping @@5pm", "Ping @@5pm"),
    c("Ping @5pm,", "Ping @5pm,"),
    c("Set up @ mentions", "Set up @ mentions"),
    c("Call remind 5 weeks before", "Call remind 5 weeks before"),  # over 30 days
    c("Call remind 31 days before", "Call remind 31 days before"),
    c("Call remind 1000 min before", "Call remind 1000 min before"),
    c("Call remind 2 months before", "Call remind 2 months before"),
    c("Call remind 10 min", "Call remind 10 min"),
    c("Call remind 10 min after", "Call remind 10 min after"),
    c("Call remind 10 min before,", "Call remind 10 min before,"),
    c("Call remind at 25:00", "Call remind at 25:00"),
    c("Call remind morning", "Call remind morning"),
    c('Call "remind at 5pm"', "Call remind at 5pm"),
    c("Call \\@5pm", "Call @5pm"),
    c("Call reminder at home", "Call reminder at home"),
    c("Read Remind Me Later", "Read Remind Me Later"),
    c("Remind 10 min before", "Remind 10 min before"),  # never the first word: nothing left as title
    c("@5pm", "@5pm"),
]
