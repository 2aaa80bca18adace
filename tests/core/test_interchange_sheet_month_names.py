"""Dates in CSV with the month's name in German, French, Spanish, Italian, Dutch, Portuguese
and the Scandinavian languages, as sheets made in those countries write them."""

from __future__ import annotations

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.core.interchange_strategies import excel_csv
from todo_desktop.core import interchange
from todo_desktop.core.interchange.csv_dates import written
from todo_desktop.core.interchange.month_names import MONTH_NAMES, month_index, month_number

BERLIN = ZoneInfo("Europe/Berlin")


_sheet = excel_csv


def _day(text: str) -> date | None:
    found = written(text)
    return None if found is None else found.day_first


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("1. März 2026", date(2026, 3, 1)),
        ("1. Maerz 2026", date(2026, 3, 1)),
        ("1-Mär-26", date(2026, 3, 1)),
        ("1-Mrz-26", date(2026, 3, 1)),
        ("31. Dez. 2026", date(2026, 12, 31)),
        ("15 mars 2026", date(2026, 3, 15)),
        ("1er mars 2026", date(2026, 3, 1)),
        ("15-févr.-2026", date(2026, 2, 15)),
        ("15-FEVR-2026", date(2026, 2, 15)),
        ("3 août 2026", date(2026, 8, 3)),
        ("3 de marzo de 2026", date(2026, 3, 3)),
        ("3 de marzo del 2026", date(2026, 3, 3)),
        ("3-ene-26", date(2026, 1, 3)),
        ("12 de setiembre de 2026", date(2026, 9, 12)),
        ("1 maart 2026", date(2026, 3, 1)),
        ("1-mrt-26", date(2026, 3, 1)),
        ("2 febbraio 2026", date(2026, 2, 2)),
        ("2-giu-26", date(2026, 6, 2)),
        ("5 de maio de 2026", date(2026, 5, 5)),
        ("5 de Outubro de 2026", date(2026, 10, 5)),
        ("1º de maio de 2026", date(2026, 5, 1)),
        ("2 mars 2026", date(2026, 3, 2)),
        ("2 maj 2026", date(2026, 5, 2)),
        ("2 marts 2026", date(2026, 3, 2)),
        ("24. desember 2026", date(2026, 12, 24)),
        ("mar 2, 2026", date(2026, 3, 2)),
        ("MÄRZ 2, 2026", date(2026, 3, 2)),
        ("1-Mar-26", date(2026, 3, 1)),
    ],
)
def test_a_month_named_in_a_european_language_is_read(text: str, day: date):
    assert _day(text) == day


@pytest.mark.parametrize(
    "text",
    [
        "32 de marzo de 2026",
        "1 Foo 2026",
        "1 de 2026",
        "3 de de marzo 2026",
        "1 \u041carch 2026",  # a Cyrillic M: looks like March, is not
        "1 März" + "z" * 10_000 + " 2026",
        "1 " + "ä" * 100_000 + " 2026",
        "1 mars 2026 25:00",
        "1 mars 2026 later",
    ],
)
def test_what_only_looks_like_a_named_date_is_none(text: str):
    assert written(text) is None


def test_a_very_long_cell_is_refused_at_once():
    started = time.perf_counter()
    for text in ("1 " + "mars " * 50_000 + "2026", "1 de " * 50_000 + "marzo 2026"):
        assert written(text) is None
    assert time.perf_counter() - started < 1


def test_the_time_after_a_named_date_is_kept():
    found = written("15 mars 2026 14:30")
    assert found is not None and found.clock is not None
    assert (found.day_first, found.clock.hour, found.clock.minute) == (date(2026, 3, 15), 14, 30)
    comma = written("3 de marzo de 2026, 9:05")
    assert comma is not None and comma.clock is not None and comma.clock.minute == 5


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("15 mars 2026 14h30", 14, 30),
        ("15/03/2026 9h05", 9, 5),
        ("15.03.2026 18 h", 18, 0),
        ("15 mars 2026 8 h 15", 8, 15),
        ("15/03/2026 0h00", 0, 0),
    ],
)
def test_a_time_written_the_french_way_is_kept(text: str, hour: int, minute: int):
    found = written(text)
    assert found is not None and found.clock is not None
    assert (found.clock.hour, found.clock.minute) == (hour, minute)


@pytest.mark.parametrize(
    "text", ["15 mars 2026 25h00", "15 mars 2026 14h60", "15 mars 2026 h30", "15/03/2026 14hh"]
)
def test_what_only_looks_like_a_french_time_is_no_date(text: str):
    assert written(text) is None


def test_every_word_of_the_table_names_its_month_in_every_language():
    for language, names in MONTH_NAMES.items():
        for number, words in enumerate(names, start=1):
            for word in words:
                assert month_number(word) == number, (language, word)


def test_a_word_that_two_languages_give_different_months_is_read_as_neither():
    # Croatian "listopad" is October, Czech and Polish "listopad" November: no date in
    # any of them can be told, so the word is left out rather than guessed.
    index = month_index({"hr": (("siječanj",), ("listopad",)), "cs": (("leden",), ("únor",), ("listopad",))})
    assert "listopad" not in index
    assert index["sijecanj"] == 1 and index["unor"] == 2


def test_case_accents_and_a_dot_do_not_matter():
    assert month_number("FÉVR.") == month_number("fevr") == 2
    assert month_number("Août") == month_number("AOUT") == 8
    assert month_number("mär") == month_number("Maerz") == 3
    assert month_number("") is None and month_number("..") is None
    assert month_number("x" * 10_000) is None


NAMED = _sheet(
    "Title;Due",
    "Miete;1. März 2026",
    "Zahnarzt;15 mars 2026 14:30",
    "Llamar;3 de marzo de 2026",
    "Bellen;1 maart 2026",
    "Pagare;2 febbraio 2026",
    "Ligar;5 de maio de 2026",
    "Excel;1-Mär-26",
    "Facture;15-févr.-2026",
    "Cita;3-ene-26",
    "English;mar 2, 2026",
    "Not a day;30. Feb. 2026",
)


def test_a_sheet_with_named_months_goes_in_with_no_question():
    for day_first in (True, False):
        result = interchange.read(NAMED, zone=BERLIN, day_first=day_first)
        assert {row.title: row.due_date for row in result.rows} == {
            "Miete": datetime(2026, 3, 1, 23, 59, tzinfo=BERLIN),
            "Zahnarzt": datetime(2026, 3, 15, 14, 30, tzinfo=BERLIN),
            "Llamar": datetime(2026, 3, 3, 23, 59, tzinfo=BERLIN),
            "Bellen": datetime(2026, 3, 1, 23, 59, tzinfo=BERLIN),
            "Pagare": datetime(2026, 2, 2, 23, 59, tzinfo=BERLIN),
            "Ligar": datetime(2026, 5, 5, 23, 59, tzinfo=BERLIN),
            "Excel": datetime(2026, 3, 1, 23, 59, tzinfo=BERLIN),
            "Facture": datetime(2026, 2, 15, 23, 59, tzinfo=BERLIN),
            "Cita": datetime(2026, 1, 3, 23, 59, tzinfo=BERLIN),
            "English": datetime(2026, 3, 2, 23, 59, tzinfo=BERLIN),
        }
        assert [p.sentence for p in result.skipped] == [
            "line 12 has a due date “30. Feb. 2026” that is not a date"
        ]
        assert result.warnings == ()


def test_numeric_and_iso_dates_still_read_as_before():
    assert _day("2026/03/01") == date(2026, 3, 1)
    assert written("01.03.2026") is not None and _day("01.03.2026") == date(2026, 3, 1)
    found = written("3/1/2026 2:30 PM")
    assert found is not None and found.month_first == date(2026, 3, 1)
