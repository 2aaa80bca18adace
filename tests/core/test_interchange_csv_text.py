"""CSV text that spreadsheets and hand edits leave behind: blank lines before the header, a
quote opened and never closed. Lines are named as an editor numbers them."""

from __future__ import annotations

import pytest

from todo_desktop.core import interchange

FIFTY = "".join(f"task {n},desc {n}\n" for n in range(1, 51))
TASKS = [f"task {n}" for n in range(1, 51)]


def _read(text: str) -> tuple[list[str], list[str]]:
    result = interchange.read(text.encode("utf-8"))
    return [row.title for row in result.rows], [p.sentence for p in result.skipped]


def test_a_quote_never_closed_is_named_by_its_line_and_the_rows_after_it_are_read():
    titles, skipped = _read('title,description\nfirst,ok\n"Quote start mid,y\n' + FIFTY + ",no title\n")
    assert titles == ["first", *TASKS]
    assert skipped == ["line 3 opens a quote that is never closed", "line 54 has no title"]


def test_the_line_named_is_the_one_the_quote_opens_on():
    text = 'title,description\r\nfirst,ok\r\n"two\r\nlines","open\r\n' + FIFTY.replace("\n", "\r\n")
    titles, skipped = _read(text)
    assert titles == ["first", *TASKS] and skipped == ["line 4 opens a quote that is never closed"]


def test_a_quote_never_closed_in_a_todoist_file_is_named_too():
    text = 'TYPE,CONTENT,DATE\ntask,"Call the bank,\ntask,Water the plants,\ntask,Plan,\n'
    result = interchange.read(text)
    assert [row.title for row in result.rows] == ["Water the plants", "Plan"]
    assert [p.sentence for p in result.skipped] == ["line 2 opens a quote that is never closed"]


def test_quoted_cells_over_several_lines_are_still_one_cell():
    text = 'title,description\n"Call Bob","about the car,\n""soon""\nplease"\nlast,\n'
    result = interchange.read(text)
    assert [(row.title, row.description) for row in result.rows] == [
        ("Call Bob", 'about the car,\n"soon"\nplease'),
        ("last", None),
    ]
    assert result.skipped == ()


@pytest.mark.parametrize("blank", ["\n", "\r\n\r\n", "  \n,,\n", "\n\n\n"])
def test_blank_lines_before_the_header_are_passed_over(blank: str):
    before = blank.count("\n")
    sheets = [
        f"{blank}title,due\nBuy milk,2026-12-20\n,2026-12-21\n",
        f"{blank.replace(',', ';')}Title;Due\nBuy milk;2026-12-20\n;2026-12-21\n",
    ]
    for text in sheets:
        titles, skipped = _read(text)
        assert titles == ["Buy milk"]
        assert skipped == [f"line {before + 3} has no title"]


def test_blank_lines_before_a_todoist_header_are_passed_over():
    text = "\n\nTYPE,CONTENT,PRIORITY\ntask,Buy milk,1\ntask,Call,9\n"
    result = interchange.read(text)
    assert [row.title for row in result.rows] == ["Buy milk", "Call"]
    assert [p.sentence for p in result.warnings] == [
        "line 5 has the priority “9”, which is not 1 to 4; read as medium"
    ]


def test_a_quote_never_closed_before_more_than_a_cell_can_hold_loses_no_row_after_it():
    many = [f"task {n}" for n in range(1, 20_001)]
    text = 'title,description\nfirst,ok\n"Quote start mid,y\n' + "".join(f"{t},desc\n" for t in many)
    titles, skipped = _read(text)
    assert titles == ["first", *many]
    assert skipped == ["line 3 opens a quote that is never closed"]
