"""The input rules in todo_desktop.core.validation, one sentence per failure."""

from __future__ import annotations

import re
import sys
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

import pytest

from todo_desktop.core import validation as v
from todo_desktop.core.errors import InputErrors, TodoError, ValidationError
from todo_desktop.core.values import Priority, TaskChanges, TaskDraft

LAST_ALLOWED_DUE = datetime(9999, 1, 1, tzinfo=UTC) - timedelta(microseconds=1)


def assert_one_sentence(message: str) -> None:
    assert message, "empty message"
    assert message == message.strip()
    assert "\n" not in message
    assert "\r" not in message
    assert message[0].isupper(), message
    assert message.endswith("."), message
    assert not message.endswith(".."), message
    assert not re.search(r"[.!?]\s+\S", message), f"more than one sentence: {message!r}"
    for leak in ("Traceback", "Error:", "Exception", "psycopg", "sqlalchemy", 'File "'):
        assert leak not in message, message


def refused(rule, *args, field: str) -> str:
    with pytest.raises(ValidationError) as info:
        rule(*args)
    assert info.value.field == field
    assert_one_sentence(info.value.message)
    assert str(info.value) == info.value.message
    return info.value.message


# -- titles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Buy milk", "Buy milk"),
        ("  Buy milk \t\n", "Buy milk"),
        ("\u3000Full-width space\u3000", "Full-width space"),
        ("x" * 255, "x" * 255),
        ("  " + "y" * 255 + "  ", "y" * 255),
        ("😀" * 255, "😀" * 255),
        ("שלום עולם", "שלום עולם"),
        ("a", "a"),
    ],
)
def test_title_accepts_and_trims(raw, clean):
    assert v.title(raw) == clean


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "empty"),
        ("   \t\n ", "empty"),
        ("x" * 256, "256"),
        ("😀" * 256, "256"),
        ("a\x00b", "NUL"),
        ("\x00", "NUL"),
        ("line one\nline two", "single line"),
        ("line one\rline two", "single line"),
        ("bell\x07", "single line"),
        ("esc\x1b[31m", "single line"),
        ("del\x7fete", "single line"),
        ("\ud800", "cannot be stored"),
        ("ok \udfff ok", "cannot be stored"),
        (None, "text"),
        (42, "text"),
    ],
)
def test_title_refuses(raw, fragment):
    assert fragment in refused(v.title, raw, field="title")


@pytest.mark.parametrize("sep", ["\x85", "\u2028", "\u2029"])
def test_title_refuses_unicode_line_breaks(sep):
    assert len(f"one{sep}two".splitlines()) == 2  # Python itself calls this two lines
    refused(v.title, f"one{sep}two", field="title")


# -- descriptions ------------------------------------------------------------------------


def test_description_limits():
    assert v.description("d" * 10_000) == "d" * 10_000
    assert "10,001" in refused(v.description, "d" * 10_001, field="description")
    assert v.description("multi\nline\ttext") == "multi\nline\ttext"
    assert v.description("  keep my spaces ") == "  keep my spaces "
    assert v.description(None) is None
    assert v.description("  \n\t ") is None
    refused(v.description, "a\x00b", field="description")
    refused(v.description, "bad \ud800", field="description")
    refused(v.description, 3.5, field="description")


# -- priority ----------------------------------------------------------------------------


@pytest.mark.parametrize("good", [*Priority, "low", "medium", "high", "urgent"])
def test_priority_accepts_the_four_values(good):
    assert v.priority(good) is Priority(good)


@pytest.mark.parametrize("bad", ["", "LOW", " low", "Urgent", "critical", None, 1, 4, [], {}, b"low"])
def test_priority_refuses_anything_else(bad):
    message = refused(v.priority, bad, field="priority")
    assert "low, medium, high, urgent" in message


# -- due dates ---------------------------------------------------------------------------


class _NoOffset(tzinfo):
    def utcoffset(self, dt):
        return None

    def dst(self, dt):
        return None


@pytest.mark.parametrize(
    "good",
    [
        datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=2))),
        datetime(1900, 1, 1, tzinfo=UTC),
        datetime(1900, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1))),
        LAST_ALLOWED_DUE,
        datetime(9998, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=14))),
        None,
    ],
)
def test_due_date_accepts(good):
    assert v.due_date(good) == good


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        (datetime(2026, 1, 1, 9, 0), "time zone"),
        (datetime(2026, 1, 1, tzinfo=_NoOffset()), "time zone"),
        (datetime(1899, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), "1900"),
        (datetime(1900, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))), "1900"),
        (datetime(9999, 1, 1, tzinfo=UTC), "9998"),
        (datetime(9998, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-2))), "9998"),
        (datetime(1, 1, 1, tzinfo=UTC), "1900"),
        (datetime.max.replace(tzinfo=UTC), "9998"),
        (date(2026, 1, 1), "date and time"),
        ("2026-01-01T00:00:00Z", "date and time"),
        (1767225600, "date and time"),
    ],
)
def test_due_date_refuses(bad, fragment):
    assert fragment in refused(v.due_date, bad, field="due_date")


# -- accounts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ann@example.com", "ann@example.com"),
        ("  Ann.Lee+todo@Example.co.uk ", "Ann.Lee+todo@Example.co.uk"),
        ("zoë@exämple.de", "zoë@exämple.de"),
        ("a@" + "b" * 249 + ".com", "a@" + "b" * 249 + ".com"),
    ],
)
def test_email_accepts(raw, clean):
    assert v.email(raw) == clean


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "ann@@example.com",
        "a nn@example.com",
        "ann@exa mple.com",
        "ann@example.com\x00",
        "ann\x01@example.com",
        "ann\ud800@example.com",
        "a@" + "b" * 250 + ".com",
        "ann@example.com\nbcc@evil.com",
        None,
    ],
)
def test_email_refuses(bad):
    refused(v.email, bad, field="email")


def test_email_of_exactly_255_characters_is_allowed():
    assert len(v.email("a@" + "b" * 249 + ".com")) == 255


def test_names():
    assert v.first_name("  Zoë ") == "Zoë"
    assert v.last_name("") == ""
    assert v.last_name("   ") == ""
    assert v.first_name("n" * 100) == "n" * 100
    assert "100" in refused(v.first_name, "n" * 101, field="first_name")
    assert "100" in refused(v.last_name, "n" * 101, field="last_name")
    refused(v.first_name, "", field="first_name")
    refused(v.first_name, " \t ", field="first_name")
    refused(v.first_name, "Ann\nLee", field="first_name")
    refused(v.last_name, "Lee\x1b", field="last_name")
    refused(v.last_name, "L\x00ee", field="last_name")
    refused(v.first_name, "\udc80", field="first_name")
    refused(v.first_name, None, field="first_name")


@pytest.mark.parametrize("rule", [v.first_name, v.last_name])
def test_names_refuse_carriage_return(rule):
    with pytest.raises(ValidationError):
        rule("Ann\rLee")


def test_passwords():
    assert v.password("p" * 8) == "p" * 8
    assert v.password("  spaces kept  ") == "  spaces kept  "
    assert v.password("p" * 1024) == "p" * 1024
    assert "8" in refused(v.password, "p" * 7, field="password")
    assert "1024" in refused(v.password, "p" * 1025, field="password")
    refused(v.password, "", field="password")
    refused(v.password, "password\x00", field="password")
    refused(v.password, "password\ud800", field="password")
    refused(v.password, b"password", field="password")


def test_search_text():
    assert v.search_text("  milk ") == "milk"
    assert v.search_text("s" * 200) == "s" * 200
    refused(v.search_text, "s" * 201, field="search")
    refused(v.search_text, "a\x00", field="search")


# -- several fields at once --------------------------------------------------------------


def test_draft_collects_one_message_per_field():
    bad = TaskDraft(title=" ", description="d" * 10_001, priority="soon", due_date=datetime(2026, 1, 1))
    with pytest.raises(InputErrors) as info:
        v.draft(bad)
    errors = info.value
    assert isinstance(errors, TodoError)
    assert set(errors.by_field) == {"title", "description", "priority", "due_date"}
    assert len(errors.errors) == 4
    for message in errors.by_field.values():
        assert_one_sentence(message)
    assert "\n" not in errors.message


def test_draft_with_a_single_problem_raises_that_validation_error():
    with pytest.raises(ValidationError) as info:
        v.draft(TaskDraft(title="fine", priority="soon"))
    assert not isinstance(info.value, InputErrors)
    assert info.value.field == "priority"


def test_draft_cleans_values_and_keeps_the_id():
    raw = TaskDraft(title="  hi  ", description="   ", priority="high", completed=1)
    clean = v.draft(raw)
    assert (clean.id, clean.title, clean.description, clean.priority, clean.completed) == (
        raw.id,
        "hi",
        None,
        Priority.HIGH,
        True,
    )


def test_changes_only_names_given_fields():
    assert v.changes(TaskChanges()) == {}
    assert v.changes(TaskChanges(description=None, due_date=None)) == {"description": None, "due_date": None}
    assert v.changes(TaskChanges(title=" t ", priority="low")) == {"title": "t", "priority": Priority.LOW}
    with pytest.raises(InputErrors) as info:
        v.changes(TaskChanges(title="\n", due_date=datetime(2026, 1, 1), description="\x00"))
    assert set(info.value.by_field) == {"title", "due_date", "description"}


def test_a_title_is_refused_for_exactly_the_characters_that_break_a_line():
    """Every code point of Unicode's categories Cc, Zl and Zp, and no other, is refused."""
    for code in range(1, sys.maxunicode + 1):  # NUL has a sentence of its own
        if 0xD800 <= code <= 0xDFFF:  # surrogates are refused as unstorable, not as breaks
            continue
        breaks = unicodedata.category(chr(code)) in {"Cc", "Zl", "Zp"}
        try:
            v.title(f"a{chr(code)}b")
            refused = False
        except ValidationError:
            refused = True
        assert refused == breaks, f"U+{code:04X}"
