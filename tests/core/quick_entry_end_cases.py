"""Quick-add cases for a repeat's end ("every monday until march 1"), read like the rest of
the table (tests/core/quick_entry_cases.py): on Saturday 2026-12-05 at 10:00 in Berlin. Ends
with a first day ("starting jun 10"), and an end on the first day, are in
tests/core/test_quick_entry_series_end.py: the table checks first days from today with dateutil,
which reads a date UNTIL as its midnight where the app reads it through that day."""

from __future__ import annotations

from tests.core.quick_entry_case_kit import c

END_CASES = [
    c("Gym every monday until march 1", "Gym", "2026-12-07", repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301"),
    c("Stretch every day until friday", "Stretch", "2026-12-05", repeat="FREQ=DAILY;UNTIL=20261211"),
    c("Review every week until 31 dec", "Review", "2026-12-05", repeat="FREQ=WEEKLY;UNTIL=20261231"),
    c("Gym every monday ending march 1", "Gym", "2026-12-07", repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301"),
    c(
        "Gym every monday until march 1 at 7am",
        "Gym",
        "2026-12-07 07:00",
        repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301",
        parts=(("repeat", "every monday until march 1"), ("time", "at 7am")),
    ),
    # The time said between the repeat and its end or first day goes with the repeat.
    c(
        "Gym every monday at 7am until march 1",
        "Gym",
        "2026-12-07 07:00",
        repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301",
        parts=(("repeat", "every monday at 7am until march 1"),),
    ),
    c(
        "Standup every weekday at 9:30 for 3 weeks",
        "Standup",
        "2026-12-07 09:30",
        repeat="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261227",
    ),
    c(
        "Water every! 3 days until 1 mar 2027",
        "Water",
        "2026-12-05",
        repeat="FREQ=DAILY;INTERVAL=3;UNTIL=20270301",
        after=True,
    ),
    c(
        "Pay every 2nd monday until jun 1",
        "Pay",
        "2026-12-14",
        repeat="FREQ=MONTHLY;BYDAY=2MO;UNTIL=20270601",
    ),
    c(
        "Rent every month on the 1st until dec 31 2027",
        "Rent",
        "2027-01-01",
        repeat="FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20271231",
    ),
    # The details pane's words, typed here too (its ends at an instant, in UTC, are read back in
    # tests/ui/tags/test_repeat_end_words.py).
    c(
        "Gym every week on monday until 1 mar 2027",
        "Gym",
        "2026-12-07",
        repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301",
    ),
    # A length: the series' last day, counted from its first.
    c("Run every day for 3 weeks", "Run", "2026-12-05", repeat="FREQ=DAILY;UNTIL=20261225"),
    c("Stretch every day for a week", "Stretch", "2026-12-05", repeat="FREQ=DAILY;UNTIL=20261211"),
    c("Gym every monday for 3 weeks", "Gym", "2026-12-07", repeat="FREQ=WEEKLY;BYDAY=MO;UNTIL=20261227"),
    c(
        "Rent every month on the 1st for 6 months",
        "Rent",
        "2027-01-01",
        repeat="FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20270630",
    ),
    c(
        "Water every! 3 days for 2 weeks",
        "Water",
        "2026-12-05",
        repeat="FREQ=DAILY;INTERVAL=3;UNTIL=20261218",
        after=True,
    ),
    c("Plan for 3 weeks of holiday", "Plan for 3 weeks of holiday"),
    c("Plan for 3 weeks", "Plan for 3 weeks"),
    c("Read every day for 10 minutes", "Read every day for 10 minutes"),
    c("Holiday every year for 2 weeks", "Holiday every year for 2 weeks"),  # how long each one lasts
    c("Run every day for 3 weeks until jan 1", "Run every day for 3 weeks until jan 1"),  # two ends
    # "until" that ends no repeat stays a title word, as before.
    c("Wait until friday", "Wait until friday"),
    c("Wait until 1 mar 2027", "Wait until 1 mar 2027"),
    c("Read every day until 9pm", "Read every day until 9pm"),
    c("Stretch every day until", "Stretch every day until"),
    c("Stretch every day until further notice", "Stretch every day until further notice"),
    c("Keep ending friday", "Keep ending", "2026-12-11"),  # no repeat before it: a date, as before
    c("Work until friday every monday", "Work until friday", "2026-12-07", repeat="FREQ=WEEKLY;BYDAY=MO"),
]
