"""Hostile input through the public data-layer calls: either it works, or one clear TodoError.

Nothing else may escape (no DataError, UnicodeEncodeError, OverflowError ...), the message is
one non-empty line, and a failed call leaves the database exactly as it was.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from todo_desktop.core import validation
from todo_desktop.core.errors import NotFoundError, TodoError
from todo_desktop.core.search_terms import uses_word_syntax
from todo_desktop.core.values import Priority, Status, TaskChanges, TaskDraft, TaskQuery

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FUZZ_ACCOUNTS = settings(FUZZ, max_examples=30)
GENERIC = "Something went wrong"

NASTY = [
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u200f",
    "\u200b",
    "\ufeff",
    "\uffff",
    "\U0010ffff",
    "😀",
    "👩‍👩‍👧",
    "\n",
    "\r",
    "\t",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u3000",
    " ",
    "%",
    "_",
    "\\",
    "'",
    '"',
    "');--",
    "$$",
    "\u05e9\u05dc\u05d5\u05dd",
    "e\u0301",
    "@",
    ".",
]
_chunk = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=6),
    st.text(st.characters(exclude_categories=()), max_size=6),
    st.text(st.characters(categories=["Cs", "Cc", "Cf", "Zl", "Zp"]), max_size=3),
)
nasty_text = st.lists(_chunk, max_size=12).map("".join)
huge_text = st.builds(
    lambda ch, n: ch * n,
    st.sampled_from(["x", "😀", "é", " ", "\x00", "\n", "ab"]),
    st.sampled_from([254, 255, 256, 1024, 1025, 9_999, 10_000, 10_001, 300_000]),
)
any_text = st.one_of(st.text(min_size=1, max_size=30), nasty_text, huge_text)
# Text that passes the client's rules, to probe what the database itself makes of it.
_storable = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"))
storable_line = st.text(_storable, min_size=1, max_size=255)
storable_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=400)
title_text = st.one_of(storable_line, storable_line, any_text)

zones = st.one_of(
    st.none(),
    st.just(UTC),
    st.timezones(),
    st.builds(lambda m: timezone(timedelta(minutes=m)), st.integers(-23 * 60 - 59, 23 * 60 + 59)),
)
edge_instants = st.sampled_from(
    [
        datetime(1900, 1, 1, tzinfo=UTC),
        datetime(1899, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(9999, 1, 1, tzinfo=UTC),
        datetime.min.replace(tzinfo=timezone(timedelta(hours=14))),
        datetime.max.replace(tzinfo=timezone(timedelta(hours=-23, minutes=-59))),
        datetime.min,
        datetime.max,
        datetime(2026, 3, 29, 2, 30),
    ]
)
storable_datetime = st.datetimes(
    min_value=datetime(1899, 12, 31), max_value=datetime(9999, 1, 1, 23), timezones=st.timezones() | zones
)
any_datetime = st.one_of(st.none(), edge_instants, st.datetimes(timezones=zones), storable_datetime)
any_priority = st.one_of(
    st.sampled_from(list(Priority)),
    st.sampled_from(["low", "LOW", " urgent", "urgent\x00", "", "critical", "medium\n"]),
    st.text(max_size=12),
)


def assert_clean(exc: TodoError) -> None:
    assert isinstance(exc, TodoError)
    event(f"refused: {type(exc).__name__}")
    message = exc.message
    assert message.strip(), "empty message"
    assert "\n" not in message
    assert "\r" not in message
    assert "Traceback" not in message
    assert not message.startswith(GENERIC), f"unmapped error reached the person: {exc.__cause__!r}"


def instant(value: datetime | None) -> datetime | None:
    """Python calls an ambiguous (DST fold) local time unequal to every other zone; compare in UTC."""
    return None if value is None else value.astimezone(UTC)


def same_fields(task, wanted: dict[str, object]) -> None:
    for name, value in wanted.items():
        got = getattr(task, name)
        if name == "due_date":
            got, value = instant(got), instant(value)
        assert got == value, name


# -- tasks -------------------------------------------------------------------------------


hostile_drafts = st.builds(
    TaskDraft,
    title=title_text,
    description=st.one_of(st.none(), storable_text, any_text),
    priority=any_priority,
    due_date=any_datetime,
    completed=st.booleans(),
)
storable_drafts = st.builds(
    TaskDraft,
    title=storable_line,
    description=st.one_of(st.none(), storable_text),
    priority=st.sampled_from(list(Priority)),
    due_date=st.one_of(st.none(), storable_datetime),
    completed=st.booleans(),
)


@FUZZ
@given(draft=st.one_of(hostile_drafts, storable_drafts))
def test_create_works_or_refuses_cleanly(alice_tasks, draft):
    try:
        made = alice_tasks.create(draft)
    except TodoError as exc:
        assert_clean(exc)
        with pytest.raises(NotFoundError):
            alice_tasks.get(draft.id)
        return
    assert made.id == draft.id
    clean = validation.draft(draft)
    same_fields(
        made,
        {
            name: getattr(clean, name)
            for name in ("title", "description", "priority", "due_date", "completed")
        },
    )
    assert alice_tasks.get(draft.id) == made
    event("stored")


@pytest.fixture
def target(alice_tasks):
    return alice_tasks.create(
        TaskDraft(
            title="fuzz target",
            description="before",
            priority=Priority.HIGH,
            due_date=datetime(2026, 5, 1, 8, tzinfo=UTC),
        )
    )


_unset = st.just(TaskChanges().description)  # the "not given" marker


hostile_changes = st.builds(
    TaskChanges,
    title=st.one_of(st.none(), title_text),
    description=st.one_of(_unset, st.none(), storable_text, any_text),
    priority=st.one_of(st.none(), any_priority),
    due_date=st.one_of(_unset, any_datetime),
    completed=st.one_of(st.none(), st.booleans()),
)
storable_changes = st.builds(
    TaskChanges,
    title=st.one_of(st.none(), storable_line),
    description=st.one_of(_unset, st.none(), storable_text),
    priority=st.one_of(st.none(), st.sampled_from(list(Priority))),
    due_date=st.one_of(_unset, st.none(), storable_datetime),
    completed=st.one_of(st.none(), st.booleans()),
)


@FUZZ
@given(changes=st.one_of(hostile_changes, storable_changes))
def test_update_works_or_changes_nothing(alice_tasks, target, changes):
    before = alice_tasks.get(target.id)
    try:
        after = alice_tasks.update(target.id, changes)
    except TodoError as exc:
        assert_clean(exc)
        assert alice_tasks.get(target.id) == before, "a failed update changed the task"
        return
    wanted = validation.changes(changes)
    same_fields(
        after,
        {
            name: wanted.get(name, getattr(before, name))
            for name in ("title", "description", "priority", "due_date", "completed")
        },
    )
    assert alice_tasks.get(target.id) == after
    event("stored")


# "-0" and "-fuzz" are the word syntax: every task without that word.
SEARCH_EDGES = ["%", "_", "\\", "%_\\", "[a-z]", "*", ".*", "-0", "-fuzz"]


@FUZZ
@given(needle=st.one_of(any_text, st.sampled_from(SEARCH_EDGES)))
def test_search_works_or_refuses_cleanly(alice_tasks, target, needle):
    try:
        page = alice_tasks.list(TaskQuery(status=Status.ALL, text=needle, limit=50))
    except TodoError as exc:
        assert_clean(exc)
        return
    found = [t.id for t in page.tasks]
    if uses_word_syntax(needle):  # "-0" is every task without a word "0": no substring rule
        assert found in ([], [target.id])
        return
    wanted = needle.strip().lower()
    in_target = wanted in target.title.lower() or wanted in (target.description or "").lower()
    assert found == ([target.id] if in_target else [])


# -- accounts ----------------------------------------------------------------------------


def _user_count(test_db) -> int:
    with test_db.superuser() as conn:
        return conn.execute("SELECT count(*) FROM users").fetchone()[0]


_email_part = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Z"), exclude_characters="@"), min_size=1, max_size=20
)
emails = st.one_of(
    any_text,
    st.builds(lambda a, b, c: f"{a}@{b}.{c}", _email_part, _email_part, _email_part),
    st.builds(lambda a, b, c: f"{a}@{b}.{c}", _email_part, _email_part, _email_part),
    st.builds(lambda a, b: f"{a}@{b}.example", nasty_text, nasty_text),
    st.builds(lambda a: f"user{a}@example.com", st.text(st.characters(categories=["L", "N"]), max_size=8)),
    st.sampled_from(["alice@example.com", "ALICE@EXAMPLE.COM", " alice@example.com "]),
)
passwords = st.one_of(
    st.just("Correct horse battery staple"),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=8, max_size=40),
    any_text,
)
storable_name = st.text(_storable, min_size=1, max_size=100)
hostile_signups = st.tuples(emails, any_text, st.one_of(st.just(""), any_text), passwords)
storable_signups = st.tuples(
    st.builds(lambda a, b, c: f"{a}@{b}.{c}", _email_part, _email_part, _email_part),
    storable_name,
    st.one_of(st.just(""), storable_name),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=8, max_size=40),
)


@FUZZ_ACCOUNTS
@given(signup=st.one_of(hostile_signups, storable_signups))
def test_register_works_or_refuses_cleanly(accounts, alice, test_db, signup):
    email, first, last, password = signup
    users_before = _user_count(test_db)
    try:
        user_id = accounts.register(email, first, last, password)
    except TodoError as exc:
        assert_clean(exc)
        assert _user_count(test_db) == users_before, "a failed registration left a row"
        return
    assert isinstance(user_id, uuid.UUID)
    assert _user_count(test_db) == users_before + 1
    signed_in = accounts.sign_in(email, password)
    assert signed_in.account.id == user_id
    assert signed_in.account.email == validation.email(email)
    assert signed_in.account.first_name == validation.first_name(first)
    assert signed_in.account.last_name == validation.last_name(last)
    event("registered")
