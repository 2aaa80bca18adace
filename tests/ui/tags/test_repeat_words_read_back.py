"""Every rule the app can store has words of its own in the Repeat field, and those words,
typed back (as shown, lower-cased, or without the commas of a list), give that very rule:
its weekdays, their place in the month, its day and month, its end and its flag."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from todo_desktop.core import repeats
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.quick_entry import parse
from todo_desktop.core.quick_entry.repeats import rrule
from todo_desktop.core.quick_entry.result import Rule
from todo_desktop.ui.tags.names import read_repeat, repeat_words

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 12, 5)  # a Saturday
_PLACES = (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)
_ENDS = st.one_of(
    st.none(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 30)).map(
        lambda d: d.replace(microsecond=0, tzinfo=UTC)
    ),
)


@st.composite
def stored_rules(draw: st.DrawFn) -> str:
    """A rule `core.repeats` takes, in the one spelling the database keeps."""
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    interval = draw(st.one_of(st.just(1), st.integers(2, 12), st.integers(13, 999)))
    month = draw(st.none() | st.integers(1, 12))
    if freq in ("MONTHLY", "YEARLY") and draw(st.booleans()):
        weekdays, nth, day = (draw(st.integers(0, 6)),), draw(st.sampled_from(_PLACES)), None
    else:
        weekdays = tuple(sorted(draw(st.sets(st.integers(0, 6)))))
        nth, day = None, draw(st.none() | st.just(-1) | st.integers(1, 31))
    text = rrule(Rule(freq, interval, weekdays, month, day, nth=nth, until=draw(_ENDS)))
    try:
        return repeats.canonical(text)
    except ValidationError:  # a day that never comes, such as 30 February
        assume(False)
        raise


@settings(max_examples=300, deadline=None)
@given(rule=stored_rules(), after=st.booleans())
@example(rule="FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301", after=False)
@example(rule="FREQ=MONTHLY;BYMONTHDAY=-1", after=False)
@example(rule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1;UNTIL=20300228", after=True)
@example(rule="FREQ=MONTHLY;BYDAY=MO", after=False)
@example(rule="FREQ=YEARLY;BYMONTHDAY=4", after=False)
def test_the_words_of_any_stored_rule_read_back_to_it(rule: str, after: bool):
    words = repeat_words(rule, after)
    assert read_repeat(words, today=TODAY, zone=BERLIN) == (rule, after), words
    assert read_repeat(words.lower().replace(",", ""), today=TODAY, zone=BERLIN) == (rule, after), words


@settings(max_examples=150, deadline=None)
@given(rule=stored_rules())
@example(rule="FREQ=MONTHLY;BYDAY=MO,FR")
def test_quick_add_reads_the_words_of_any_stored_rule(rule: str):
    """Typed after a title, with the commas of a list: quick add gives the same rule."""
    now = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    assert parse(f"Task {repeat_words(rule)}", now, BERLIN).repeat == rule


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301", "Every week on Monday, Wednesday until 1 Mar 2027"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "Every month on the last day"),
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1", "Every 3 months on the last day"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", "Every year on the last day of Feb"),
        # RFC 5545 reads these as every Monday, and as the 4th of every month: so they are said.
        ("FREQ=MONTHLY;BYDAY=MO", "Every month on Mondays"),
        ("FREQ=YEARLY;BYMONTHDAY=4", "Every year on the 4th of each month"),
        ("FREQ=WEEKLY;BYDAY=MO;BYMONTH=3", "Every Monday in Mar"),
        ("FREQ=YEARLY;BYDAY=4TH;BYMONTH=11", "Every year on the 4th Thursday in Nov"),
    ],
)
def test_a_rule_is_said_in_plain_words(rule: str, words: str):
    assert repeat_words(rule) == words


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("every last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("last day of every month", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("every mon, wed until 1 mar 2027", "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301"),
        ("every mon wed fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        ("every day for 3 weeks", "FREQ=DAILY;UNTIL=20270321"),  # from the due day, 1 March
        ("every monday for 2 weeks", "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270314"),
    ],
)
def test_typed_words_give_the_rule(typed: str, rule: str):
    first = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # Monday 1 March, 09:00 in Berlin
    assert read_repeat(typed, first, today=TODAY, zone=BERLIN) == (rule, False)


def test_a_length_without_a_due_date_counts_from_the_next_day_the_rule_allows():
    assert read_repeat("every monday for 2 weeks", today=TODAY, zone=BERLIN) == (
        "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261220",
        False,
    )
