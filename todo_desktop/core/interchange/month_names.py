"""Month names and their short forms in the languages whose sheets most often reach us, for
dates a sheet wrote with the month's name ("1. März 2026", "3-ene-26", "15-févr.-2026").

Each language lists its full names and the short forms its spreadsheets and CLDR write
(Excel in Germany writes "Mrz", LibreOffice "Mär"; French "févr.", "juil."). Words are
compared without case, accents or a final dot, since sheets and hand-typed cells differ in
all three ("FEVR", "fevr.", "févr."); German "Maerz" is listed as typists write it without an
umlaut. A word that two languages give different months (Croatian "listopad" is October,
Czech "listopad" November) names no month at all: which one a file meant cannot be told from
the word, and a date read a month off is worse than a date the preview says it could not read.
None of the languages here share such a word, and a test keeps it so.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from todo_desktop.core.quick_entry import words

MonthWords = Sequence[Sequence[str]]  # January's words first

MONTH_NAMES: dict[str, MonthWords] = {
    "de": (
        ("januar", "jänner", "jan"), ("februar", "feber", "feb"), ("märz", "maerz", "mär", "mrz"),
        ("april", "apr"), ("mai",), ("juni", "jun"), ("juli", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("oktober", "okt"), ("november", "nov"), ("dezember", "dez"),
    ),
    "fr": (
        ("janvier", "janv"), ("février", "févr", "fév"), ("mars",), ("avril", "avr"), ("mai",),
        ("juin",), ("juillet", "juil"), ("août",), ("septembre", "sept"), ("octobre", "oct"),
        ("novembre", "nov"), ("décembre", "déc"),
    ),
    "es": (
        ("enero", "ene"), ("febrero", "feb"), ("marzo", "mar"), ("abril", "abr"), ("mayo", "may"),
        ("junio", "jun"), ("julio", "jul"), ("agosto", "ago"),
        ("septiembre", "setiembre", "sept", "sep", "set"), ("octubre", "oct"), ("noviembre", "nov"),
        ("diciembre", "dic"),
    ),
    "it": (
        ("gennaio", "gen"), ("febbraio", "feb"), ("marzo", "mar"), ("aprile", "apr"), ("maggio", "mag"),
        ("giugno", "giu"), ("luglio", "lug"), ("agosto", "ago"), ("settembre", "set"),
        ("ottobre", "ott"), ("novembre", "nov"), ("dicembre", "dic"),
    ),
    "nl": (
        ("januari", "jan"), ("februari", "feb"), ("maart", "mrt"), ("april", "apr"), ("mei",),
        ("juni", "jun"), ("juli", "jul"), ("augustus", "aug"), ("september", "sep", "sept"),
        ("oktober", "okt"), ("november", "nov"), ("december", "dec"),
    ),
    "pt": (
        ("janeiro", "jan"), ("fevereiro", "fev"), ("março", "mar"), ("abril", "abr"), ("maio", "mai"),
        ("junho", "jun"), ("julho", "jul"), ("agosto", "ago"), ("setembro", "set"),
        ("outubro", "out"), ("novembro", "nov"), ("dezembro", "dez"),
    ),
    "sv": (
        ("januari", "jan"), ("februari", "feb"), ("mars",), ("april", "apr"), ("maj",),
        ("juni", "jun"), ("juli", "jul"), ("augusti", "aug"), ("september", "sep", "sept"),
        ("oktober", "okt"), ("november", "nov"), ("december", "dec"),
    ),
    "da": (
        ("januar", "jan"), ("februar", "feb"), ("marts", "mar"), ("april", "apr"), ("maj",),
        ("juni", "jun"), ("juli", "jul"), ("august", "aug"), ("september", "sep", "sept"),
        ("oktober", "okt"), ("november", "nov"), ("december", "dec"),
    ),
    "nb": (
        ("januar", "jan"), ("februar", "feb"), ("mars", "mar"), ("april", "apr"), ("mai",),
        ("juni", "jun"), ("juli", "jul"), ("august", "aug"), ("september", "sep", "sept"),
        ("oktober", "okt"), ("november", "nov"), ("desember", "des"),
    ),
}  # fmt: skip
LONGEST = 12  # letters of the longest word above, with room: a longer word is no month


def _folded(word: str) -> str:
    """``word`` without case, accents or a final dot: "Févr." and "FEVR" alike."""
    if word.endswith("."):
        word = word[:-1]
    plain = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def month_index(tables: Mapping[str, MonthWords]) -> dict[str, int]:
    """Folded word -> month number (1 to 12) for the words of ``tables``, with the words
    that two of them give different months left out (see the module's docstring)."""
    found: dict[str, int] = {}
    clashing: set[str] = set()
    for names in tables.values():
        for number, spellings in enumerate(names, start=1):
            for spelling in spellings:
                key = _folded(spelling)
                if found.setdefault(key, number) != number:
                    clashing.add(key)
    return {key: number for key, number in found.items() if key not in clashing}


def _english() -> MonthWords:
    """English as quick add reads it, so a sheet and the quick-add field agree."""
    by_month: list[list[str]] = [[] for _ in range(12)]
    for word, number in words.MONTHS.items():
        by_month[number - 1].append(word)
    return tuple(tuple(spellings) for spellings in by_month)


_INDEX = month_index({"en": _english(), **MONTH_NAMES})


def month_number(word: str) -> int | None:
    """The month ``word`` names in any of the languages above (1 to 12), or None."""
    if not word or len(word) > LONGEST + 1:
        return None
    return _INDEX.get(_folded(word))
