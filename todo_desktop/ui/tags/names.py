"""Reading what a person types into a tag or repeat field, and saying a repeat in words.

Tags follow the quick-add language (a letter, then letters, digits, - or _), with or without
the ``#``, separated by spaces or commas; a repeat is one of its repeat phrases ("every
2 weeks", "every month on the 1st", "every! 3 days", "every day for 3 weeks"), and also reads
back what ``describe`` wrote ("Every year on 24 Dec", "Every week after completion", "Every
Monday until 1 Mar 2027"), so a field showing a rule in words can be saved untouched, and its
words typed again store the same rule, its end (UNTIL) included.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, tzinfo

from todo_desktop.core import validation
from todo_desktop.core.clock import LocalZone, utc_now
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.quick_entry import words as w
from todo_desktop.core.quick_entry.repeats import (
    END_WORDS,
    describe,
    end_problem,
    ends_after,
    first_day,
    match_repeat,
    rrule,
)
from todo_desktop.core.quick_entry.result import Rule
from todo_desktop.core.quick_entry.summary import rule_from_rrule
from todo_desktop.core.quick_entry.tokens import Token, tag, tag_key

NOT_A_TAG = "“{text}” is not a tag: a tag is one word that starts with a letter, like #home or #work-2."
NO_NAME = "Type a name for the tag, like #home."
ONE_WORD = "A tag is one word without spaces or commas, like #home."
NOT_A_REPEAT = (
    "Repeat reads like “every week”, “every 2 days” or “every month on the 1st”; leave it empty for none."
)
_SEPARATORS = re.compile(r"[\s,]+")
_AFTER_COMPLETION = ("after", "completion")


def read_tags(text: str, field: str = "tags") -> tuple[str, ...]:
    """The tags in ``text`` ("#home, #work errands"), each once, as first typed."""
    found: dict[str, str] = {}
    for piece in _SEPARATORS.split(text.strip()):
        if not piece:
            continue
        name = tag(Token(piece if piece.startswith("#") else f"#{piece}", 0, len(piece), False))
        if name is None:
            raise ValidationError(field, NOT_A_TAG.format(text=piece))
        found.setdefault(tag_key(name), name)
    try:
        return validation.tags(tuple(found.values()))  # the limits the database keeps
    except ValidationError as exc:
        raise ValidationError(field, exc.message) from None


def read_tag_name(text: str) -> str:
    """One tag name, for renaming a tag."""
    if not text.strip():
        raise ValidationError("tag", NO_NAME)
    if len(_SEPARATORS.split(text.strip())) > 1:
        raise ValidationError("tag", ONE_WORD)
    return read_tags(text, "tag")[0]


def tag_text(tags: tuple[str, ...]) -> str:
    return " ".join(f"#{name}" for name in tags)


def read_repeat(
    text: str, first: datetime | None = None, *, today: date | None = None, zone: tzinfo | None = None
) -> tuple[str | None, bool]:
    """(RRULE or None, repeats after completion) for a typed repeat phrase; "" clears it.
    ``first``: the series' first occurrence (the task's due date), which its end may not
    come before. Relative ends ("until friday") count from ``today`` in ``zone``, by
    default this computer's."""
    words: list[str | None] = [word for word in text.lower().replace(",", " ").split()]
    if not words:
        return None, False
    zone = zone or LocalZone()
    after = False
    for k in range(len(words) - 1):
        # At the end, or before the end's words as `describe` puts it.
        if tuple(words[k : k + 2]) == _AFTER_COMPLETION and (
            k + 2 == len(words) or words[k + 2] in END_WORDS
        ):
            after = True
            del words[k : k + 2]
            break
    yearly = words[:3] == ["every", "year", "on"]
    if yearly and w.day_number(_at(words, 3)) is not None and w.month(_at(words, 4)) is not None:
        words = ["every", words[4], words[3], *words[5:]]  # describe's "Every year on 24 Dec"
    today = today or utc_now().astimezone(zone).date()
    found = match_repeat(words, 0, today)
    rule = next((p.value for p in found if p.end == len(words)), None)
    # "starting jun 10" is the due date's to say: the stored rule has no place for it.
    if not isinstance(rule, Rule) or rule.starting is not None:
        raise ValidationError("repeat", NOT_A_REPEAT)
    # "for 3 weeks" counts from the due date, or for an undated task from the rule's next day.
    start = first.astimezone(zone).date() if first is not None else first_day(rule, today, lambda _: True)
    rule = ends_after(rule, start or today)
    problem = end_problem(rule.until, first, zone) if first is not None else None
    if problem is not None:
        raise ValidationError("repeat", problem)
    return rrule(rule), after or rule.after_completion


def _at(words: list[str | None], i: int) -> str | None:
    return words[i] if i < len(words) else None


@functools.lru_cache(maxsize=256)
def repeat_words(value: str, after_completion: bool = False) -> str:
    """A stored rule in words: "Every 2 weeks on Monday"."""
    return describe(rule_from_rrule(value, after_completion))


def repeat_sentence(value: str, after_completion: bool = False) -> str:
    """For a screen reader or tooltip: "Repeats every 2 weeks on Monday"."""
    words = repeat_words(value, after_completion)
    return f"Repeats {words[:1].lower()}{words[1:]}"
