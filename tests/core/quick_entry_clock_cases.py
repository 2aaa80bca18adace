"""Quick-add cases for an hour said alone ("call mom tomorrow at 6"), read like the rest of the
table (tests/core/quick_entry_cases.py): on Saturday 2026-12-05 at 10:00 in Berlin.

An hour alone is a time only right after "at" or "@", and only where a date is read at the end
of the text. 1 to 12 is the daytime reading (7 to 11 the morning, 12 noon, 1 to 6 the
afternoon and evening), 13 to 23 and a leading zero ("at 06", "at 00") the 24-hour clock.
An hour of one digit with minutes ("at 6:30") is read the same way. "in 2 hours", "in 20 min"
(under a day, at the end of the text) is that time from now.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.core.quick_entry_case_kit import BERLIN, NEW_YEARS_EVE, H, c

HOUR = timedelta(hours=1)
TEN_MIN = timedelta(minutes=10)
SPRING_NIGHT = datetime(2027, 3, 28, 1, 30, tzinfo=ZoneInfo(BERLIN))  # clocks go forward at 02:00

BARE_HOUR_CASES = [
    # -- the daytime reading of 1 to 12 --------------------------------------------------------
    c(
        "Call mom tomorrow at 6",
        "Call mom",
        "2026-12-06 18:00",
        parts=(("date", "tomorrow"), ("time", "at 6")),
    ),
    c("Call mom at 6", "Call mom", "2026-12-05 18:00", parts=(("time", "at 6"),)),
    c("Call mom @ 6", "Call mom", "2026-12-05 18:00", parts=(("time", "@ 6"),)),
    c("Pick up kids at 3", "Pick up kids", "2026-12-05 15:00"),
    c("Gym at 1", "Gym", "2026-12-05 13:00"),
    c("Run at 7", "Run", "2026-12-06 07:00"),  # 07:00 has passed today: tomorrow's
    c("Standup at 9", "Standup", "2026-12-06 09:00"),
    c("Coffee at 11", "Coffee", "2026-12-05 11:00"),
    c("Lunch at 12", "Lunch", "2026-12-05 12:00"),
    c("Call mom AT 6", "Call mom", "2026-12-05 18:00"),
    # -- the 24-hour clock: 13 to 23, and a leading zero -----------------------------------------
    c("Train at 13", "Train", "2026-12-05 13:00"),
    c("Train at 18", "Train", "2026-12-05 18:00"),
    c("Train at 23", "Train", "2026-12-05 23:00"),
    c("Train at 06", "Train", "2026-12-06 06:00"),
    c("Deploy friday at 00", "Deploy", "2026-12-11 00:00"),
    c("Deploy at 00", "Deploy", "2026-12-06 00:00"),
    # Minutes do not change which half of the day a one-digit hour is in.
    c("Call at 6:30", "Call", "2026-12-05 18:30"),
    c("Call at 1:05", "Call", "2026-12-05 13:05"),
    c("Breakfast at 7:15", "Breakfast", "2026-12-06 07:15"),
    c("Call at 06:30", "Call", "2026-12-06 06:30"),
    c("Lunch at 12:30", "Lunch", "2026-12-05 12:30"),
    c("Party tonight at 6:30", "Party", "2026-12-05 18:30"),
    c("Party tonight at 9:45", "Party", "2026-12-05 21:45"),
    c("Read John 3:16", "Read John 3:16"),
    # -- with a day ------------------------------------------------------------------------------
    c("Meet friday at 9", "Meet", "2026-12-11 09:00"),
    c("Meet at 9 friday", "Meet", "2026-12-11 09:00", parts=(("time", "at 9"), ("date", "friday"))),
    c("Meet at 9 on friday", "Meet", "2026-12-11 09:00"),
    c("Call at 6 tomorrow", "Call", "2026-12-06 18:00"),
    c("Breakfast on dec 24 at 7", "Breakfast", "2026-12-24 07:00"),
    # "tonight" says which half of the day: 9 is 21:00, 12 the midnight that ends it.
    c("Party tonight at 9", "Party", "2026-12-05 21:00"),
    c("Party tonight at 6", "Party", "2026-12-05 18:00"),
    c("Party tonight at 12", "Party", "2026-12-06 00:00"),
    c("Party tonight at 23", "Party", "2026-12-05 23:00"),
    c("Meet at 6 #work !high", "Meet", "2026-12-05 18:00", priority=H, tags=("work",)),
    # -- repeats ---------------------------------------------------------------------------------
    c("Gym every monday at 7", "Gym", "2026-12-07 07:00", repeat="FREQ=WEEKLY;BYDAY=MO"),
    c("Gym at 7 every monday", "Gym", "2026-12-07 07:00", repeat="FREQ=WEEKLY;BYDAY=MO"),
    c("Walk every day at 6", "Walk", "2026-12-05 18:00", repeat="FREQ=DAILY"),
    c(
        "Gym every monday at 7 until march 1",
        "Gym",
        "2026-12-07 07:00",
        repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301",
        parts=(("repeat", "every monday at 7 until march 1"),),
    ),
    c(
        "Gym every monday until march 1 at 7",
        "Gym",
        "2026-12-07 07:00",
        repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301",
        parts=(("repeat", "every monday until march 1"), ("time", "at 7")),
    ),
    c(
        "Standup every weekday at 9 for 3 weeks",
        "Standup",
        "2026-12-07 09:00",
        repeat="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261227",
    ),
    # -- reminders -------------------------------------------------------------------------------
    c("Call mum remind at 6", "Call mum", remind_at="2026-12-05 18:00"),
    c("Call mum remind me at 9", "Call mum", remind_at="2026-12-06 09:00"),
    c("Call mum remind tomorrow at 9", "Call mum", remind_at="2026-12-06 09:00"),
    c("Call mum remind at 6 on friday", "Call mum", remind_at="2026-12-11 18:00"),
    c("Call mum remind tonight at 9", "Call mum", remind_at="2026-12-05 21:00"),
    c(
        "Call mum tomorrow at 6 remind 1 hour before",
        "Call mum",
        "2026-12-06 18:00",
        remind_before=HOUR,
    ),
    # -- a time from now (at 10:00; past midnight it is tomorrow's; across a clock change, the
    # -- hours that pass, not the clock's) -------------------------------------------------------
    c("Call back in 2 hours", "Call back", "2026-12-05 12:00", parts=(("time", "in 2 hours"),)),
    c("Check the oven in 20 min", "Check the oven", "2026-12-05 10:20"),
    c("Call mom in an hour", "Call mom", "2026-12-05 11:00"),
    c("Stretch in 90 minutes", "Stretch", "2026-12-05 11:30"),
    c("Call back in 1 hr !high #work", "Call back", "2026-12-05 11:00", priority=H, tags=("work",)),
    c("Call back in 23 hours", "Call back", "2026-12-06 09:00"),
    c("Call back in 2 hours", "Call back", "2027-01-01 00:00", now=NEW_YEARS_EVE),
    c("Check the heating in 1 hour", "Check the heating", "2027-03-28 03:30", now=SPRING_NIGHT),
    c("Call back in 2 hours remind 10 min before", "Call back", "2026-12-05 12:00", remind_before=TEN_MIN),
    c("Call in 2 hours about the car", "Call in 2 hours about the car"),  # only at the end
    c("Meeting in 24 hours", "Meeting in 24 hours"),  # a day or more: "in 1 day"
    c("Wait in 0 minutes", "Wait in 0 minutes"),
    c("Bake in 2 ovens", "Bake in 2 ovens"),
    # -- numbers that stay in the title ----------------------------------------------------------
    c("Buy 6 eggs", "Buy 6 eggs"),
    c("Read chapter 6", "Read chapter 6"),
    c("Room 6 at noon", "Room 6", "2026-12-05 12:00"),
    c("Order 6 chairs at 6", "Order 6 chairs", "2026-12-05 18:00"),
    c("Order 6 chairs at 6 shops", "Order 6 chairs at 6 shops"),
    c("Book a table at 6 people", "Book a table at 6 people"),
    c("Meet at 9 with Bob", "Meet at 9 with Bob"),  # mid-text it may be a count: "at 6 shops"
    c("Buy eggs at 6 shops tomorrow", "Buy eggs at 6 shops", "2026-12-06"),
    c("Finish by 6", "Finish by 6"),  # only "at" and "@" make an hour of a number
    c("Meet at 25", "Meet at 25"),
    c("Meet at 24", "Meet at 24"),
    c("Meet at 6.5", "Meet at 6.5"),
    c("Meet at 0", "Meet at 0"),  # a count or a setting ("set heating at 0"), not an hour
    c("Meet at 100", "Meet at 100"),
    c("Meet at 6th", "Meet at 6th"),
    c("Meet at 6,", "Meet at 6,"),
    c("at 6", "at 6"),  # never the first word
    c("Gym every monday at 25", "Gym every monday at 25"),
    c("Call remind at 25", "Call remind at 25"),
    c("Ping @6", "Ping @6"),  # glued to "@" it is a name or a number, as "@5" always was
    c("Meet at @6", "Meet at @6"),
    c('Call mom "at 6"', "Call mom at 6"),
    c("Call mom \\at 6", "Call mom at 6"),
]
