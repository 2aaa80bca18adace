"""Reading what a person types into a tag or repeat field, and saying a repeat in words.

Tags follow the quick-add language (a letter, then letters, digits, - or _), with or without
the ``#``, separated by spaces or commas; a repeat is one of its repeat phrases ("every
2 weeks", "every month on the 1st", "every! 3 days"), and also reads back what
``describe`` wrote ("Every year on 24 Dec", "Every week after completion"), so a field
showing a rule in words can be saved untouched.
"""

from __future__ import annotations

import functools
import re

from todo_desktop.core import validation
from todo_desktop.core.errors import ValidationError
from todo_desktop.core.quick_entry.repeats import describe, match_repeat, rrule
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


def read_repeat(text: str) -> tuple[str | None, bool]:
    """(RRULE or None, repeats after completion) for a typed repeat phrase; "" clears it."""
    words: list[str | None] = [w for w in text.lower().replace(",", " ").split()]
    if not words:
        return None, False
    after = tuple(words[-2:]) == _AFTER_COMPLETION
    if after:
        words = words[:-2]
    if len(words) == 5 and words[:3] == ["every", "year", "on"]:
        words = ["every", words[4], words[3]]  # describe's "Every year on 24 Dec"
    phrases = match_repeat(words, 0)
    if not phrases or phrases[0].end != len(words):
        raise ValidationError("repeat", NOT_A_REPEAT)
    rule = phrases[0].value
    if not isinstance(rule, Rule):
        raise ValidationError("repeat", NOT_A_REPEAT)
    return rrule(rule), after or rule.after_completion


@functools.lru_cache(maxsize=256)
def repeat_words(value: str, after_completion: bool = False) -> str:
    """A stored rule in words: "Every 2 weeks on Monday"."""
    return describe(rule_from_rrule(value, after_completion))


def repeat_sentence(value: str, after_completion: bool = False) -> str:
    """For a screen reader or tooltip: "Repeats every 2 weeks on Monday"."""
    words = repeat_words(value, after_completion)
    return f"Repeats {words[:1].lower()}{words[1:]}"
