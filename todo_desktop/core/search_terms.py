"""What a search text asks for, as the window shows it (the database reads the same text in
``todo_api.search_terms``): typed words are each found anywhere in a task, in any case; the
word syntax (``"a phrase"``, ``-word``, ``or``) matches whole words."""

from __future__ import annotations

import re

_SYNTAX = re.compile(r'(^|\s)-|"|(^|\s)or(\s|$)', re.IGNORECASE)
_UNMARKED = re.compile(r'(^|\s)-\S*|"|(^|\s)or(?=\s|$)', re.IGNORECASE)


def uses_word_syntax(text: str) -> bool:
    return _SYNTAX.search(text.strip()) is not None


def marked_words(text: str) -> tuple[str, ...]:
    """The words to mark in the rows a search found, lower-cased, each once: what was typed,
    less the word syntax (quotes, "or", and words after a minus, which found tasks lack)."""
    return tuple(dict.fromkeys(_UNMARKED.sub(" ", text).lower().split()))
