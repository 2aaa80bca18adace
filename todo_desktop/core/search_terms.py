"""What a search text asks for, as the window shows it (the database reads the same text in
``todo_api.search_terms``): typed words are each found anywhere in a task, in any case; the
word syntax (``"a phrase"``, ``-word``, ``or``) matches whole words. Every apostrophe is read
as the plain one (revision 0028): "don't" finds "Don’t" and the other way round."""

from __future__ import annotations

import re

_SYNTAX = re.compile(r'(^|\s)-|"|\sor\s', re.IGNORECASE)
_UNMARKED = re.compile(r'(^|\s)-\S*|"|(^|\s)or(?=\s|$)', re.IGNORECASE)
# "or" first or last beside other words is the word syntax's "or" half typed ("milk or" on
# the way to "milk or bread"): left out until the other side comes. Alone, it is two letters.
_DANGLING_OR = re.compile(r"^(or\s+)+(?=\S)|(?<=\S)(\s+or)+$", re.IGNORECASE)
# One character each, so a folded text's positions are its original's.
_PLAIN_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\uff07", "'"))


def folded(text: str) -> str:
    """``text`` as a search compares it: in lower case, each apostrophe the plain one."""
    return text.lower().translate(_PLAIN_APOSTROPHES)


def searched(text: str) -> str:
    """The text as the search reads it: trimmed, less a dangling "or"."""
    return _DANGLING_OR.sub("", text.strip())


def uses_word_syntax(text: str) -> bool:
    return _SYNTAX.search(searched(text)) is not None


def marked_words(text: str) -> tuple[str, ...]:
    """The words to mark in the rows a search found, lower-cased, each once: what was typed,
    less the word syntax (quotes, "or", and words after a minus, which found tasks lack)."""
    text = searched(text)
    if _SYNTAX.search(text) is None:
        return tuple(dict.fromkeys(folded(text).split()))
    return tuple(dict.fromkeys(folded(_UNMARKED.sub(" ", text)).split()))
