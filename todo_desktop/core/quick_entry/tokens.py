"""Words with their positions, the escapes that make text literal, and the title that remains.

Escapes:
- ``"..."``: a pair of straight double quotes, the first at the start of a word and the
  second at the end of one, makes everything between them literal. The quotes are escape
  syntax and leave the title ("Read \\"The 5th Wave\\" tomorrow" is titled "Read The 5th Wave").
- ``\\word``: a backslash at the start of a word makes that word literal; the backslash goes.
  ``\\"Dune"`` keeps a quote character that would otherwise be escape syntax.
- Typographic quotes (“…”, „…“, «…») also make their content literal, and stay in the title:
  typing them is choosing to show them.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass

from todo_desktop.core.values import Priority

_QUOTE = '"'
_TYPOGRAPHIC = {"\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb"}  # “ ” „ “ « »
_CLOSING_PUNCTUATION = frozenset(".,;:!?)")
# What may dangle at the end of a title once the date after it is gone: "Dentist: friday",
# "Dentist - tomorrow" (a dash only as a word of its own: "Grade C- #school" keeps it).
_DANGLING_MARKS = " ,;:"
_DANGLING_DASHES = (" -", " \u2013", " \u2014")

PRIORITY_MARKS: dict[str, Priority] = {
    "!low": Priority.LOW,
    "!medium": Priority.MEDIUM,
    "!high": Priority.HIGH,
    "!urgent": Priority.URGENT,
}
# Todoist's levels: p1 is the most urgent.
TODOIST_PRIORITIES: dict[str, Priority] = {
    "p1": Priority.URGENT,
    "p2": Priority.HIGH,
    "p3": Priority.MEDIUM,
    "p4": Priority.LOW,
}


@dataclass(frozen=True, slots=True)
class Token:
    """A whitespace-separated word; a literal one is never read as anything."""

    text: str
    start: int
    end: int
    literal: bool

    @property
    def word(self) -> str | None:
        """The lower-cased word the grammar compares, or None when it must not be read."""
        return None if self.literal else self.text.lower()


def _word_end(text: str, i: int) -> int:
    while i < len(text) and not text[i].isspace():
        i += 1
    return i


def _word_enders(text: str, closing: str) -> list[int]:
    """Where ``closing`` ends a word (end of text, a space or punctuation after it), in order."""
    found = []
    j = text.find(closing)
    while j != -1:
        after = text[j + 1 : j + 2]
        if after == "" or after.isspace() or after in _CLOSING_PUNCTUATION:
            found.append(j)
        j = text.find(closing, j + 1)
    return found


def scan(text: str) -> tuple[list[Token], frozenset[int]]:
    """The words of ``text`` and the positions of escape characters to drop from the title."""
    literal: list[tuple[int, int]] = []
    markers: set[int] = set()
    enders: dict[str, list[int]] = {}  # found once per closing mark: pasted text may hold many
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        # i is the start of a word: only here can an escape begin.
        ch = text[i]
        if ch == "\\":
            markers.add(i)
            end = _word_end(text, i)
            literal.append((i, end))
            i = end
            continue
        closing = _QUOTE if ch == _QUOTE else _TYPOGRAPHIC.get(ch)
        if closing is not None:
            if closing not in enders:
                enders[closing] = _word_enders(text, closing)
            ends = enders[closing]
            k = bisect.bisect_right(ends, i + 1)  # not empty: a closing mark after a character
            j = ends[k] if k < len(ends) else None
            if j is not None:
                if ch == _QUOTE:
                    markers.update((i, j))
                literal.append((i, j + 1))
                i = j + 1
                continue
        i = _word_end(text, i)

    tokens: list[Token] = []
    i = 0
    region = 0
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        end = _word_end(text, i)
        while region < len(literal) and literal[region][1] <= i:
            region += 1
        is_literal = region < len(literal) and literal[region][0] < end
        tokens.append(Token(text[i:end], i, end, is_literal))
        i = end
    return tokens, frozenset(markers)


def tag(token: Token) -> str | None:
    """``#word``: a letter, then letters, marks, digits, ``-`` or ``_`` (any script); as typed.

    A digit first is an issue number ("fix #12"), not a tag; punctuation attached
    ("#home,") makes the word plain text, like any other part.
    """
    text = token.text
    if token.literal or len(text) < 2 or text[0] != "#" or not unicodedata.category(text[1]).startswith("L"):
        return None
    for ch in text[2:]:
        if ch not in "-_" and unicodedata.category(ch)[0] not in "LMN":
            return None
    return text[1:]


def priority_mark(token: Token) -> Priority | None:
    word = token.word
    return None if word is None else PRIORITY_MARKS.get(word)


def tag_key(name: str) -> str:
    """Tags compare case-insensitively and by canonical form: #Home, #home and #HOME are one."""
    return unicodedata.normalize("NFC", name).casefold()


def title(text: str, removed: list[tuple[int, int]], markers: frozenset[int]) -> str:
    """``text`` without the recognised parts and escape characters, spaces collapsed."""
    keep: list[str] = []
    cuts = sorted(removed)
    cut = 0
    tail_removed = False
    for i, ch in enumerate(text):
        while cut < len(cuts) and cuts[cut][1] <= i:
            cut += 1
        if cut < len(cuts) and cuts[cut][0] <= i:
            tail_removed = True
            continue
        if i in markers:
            continue
        if not ch.isspace():
            tail_removed = False
        keep.append(ch)
    cleaned = " ".join("".join(keep).split())
    if tail_removed:
        cleaned = cleaned.rstrip(_DANGLING_MARKS)
        while cleaned.endswith(_DANGLING_DASHES):
            cleaned = cleaned[:-2].rstrip(_DANGLING_MARKS)
    return cleaned


def literal(text: str, span: tuple[int, int]) -> str:
    """``text`` with the part at ``span`` escaped, so that `parse` reads it as plain words.

    One word gets a backslash; several get a pair of quotes, unless the text already has a
    straight quote that could pair with them, where each word gets a backslash instead.
    Either way the title then shows the words as typed, without the escape characters.
    """
    start, end = span
    if not 0 <= start < end <= len(text) or not text[start:end].strip():
        return text
    starts = [i for i in range(start, end) if not text[i].isspace() and (i == start or text[i - 1].isspace())]
    if len(starts) > 1 and _QUOTE not in text:
        return f'{text[:start]}"{text[start:end]}"{text[end:]}'
    out = text
    for word_start in reversed(starts):
        out = f"{out[:word_start]}\\{out[word_start:]}"
    return out
