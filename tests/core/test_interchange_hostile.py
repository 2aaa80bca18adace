"""Hostile input: every reader gives bad rows or one clear error, never a crash or a hang."""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.interchange_strategies import make_task
from todo_desktop.core import interchange
from todo_desktop.core.interchange import common, rows
from todo_desktop.core.interchange.ical import MAX_LINE

FORMATS = ["auto", "json", "csv", "todoist", "taskwarrior", "ical", "google", "ticktick"]
SAMPLES = {
    fmt: interchange.write([make_task("Sample", description="a\nb", tags=("x",))], fmt)
    for fmt in ("json", "csv", "taskwarrior", "ical")
}
SAMPLES["todoist"] = "TYPE,CONTENT,DESCRIPTION,PRIORITY,DATE\ntask,Sample @x,a,1,every monday\nnote,n,,,\n"
SAMPLES["google"] = json.dumps(
    {
        "kind": "tasks#taskLists",
        "items": [
            {
                "kind": "tasks#taskList",
                "title": "Home",
                "items": [{"id": "a", "title": "Sample", "due": "2026-03-01T00:00:00.000Z", "parent": "b"}],
            }
        ],
    }
)
SAMPLES["ticktick"] = (
    '"Date: 2026-12-01+0000"\n"Status: \n0 Normal"\n"List Name","Title","Tags","Due Date","Repeat",'
    '"Is All Day","taskId"\n"Home","Sample","x","2026-03-01T09:00:00+0000","RRULE:FREQ=DAILY","false","1"\n'
)


def _read_or_clear_error(data: str | bytes, fmt: str) -> interchange.ImportResult | None:
    try:
        return interchange.read(data, fmt)
    except interchange.InterchangeError as exc:
        message = exc.message
    assert message and "\n" not in message
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), st.sampled_from(FORMATS))
def test_any_bytes_are_rows_or_one_clear_error(data: bytes, fmt: str):
    _read_or_clear_error(data, fmt)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SAMPLES)), st.data())
def test_damaged_files_are_rows_or_one_clear_error(fmt: str, data: st.DataObject):
    text = SAMPLES[fmt]
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 20))
    junk = data.draw(st.text(st.sampled_from("\x00\ud800\n\r\t ,;:\"\\{}[]='@BEGIN:VTODO€🙂"), max_size=12))
    damaged = text[:at] + junk + text[at + cut :]
    result = _read_or_clear_error(damaged, data.draw(st.sampled_from([fmt, "auto"])))
    for row in result.rows if result else ():
        assert "\x00" not in row.title and len(row.title) <= 255
        row.title.encode("utf-8")  # nothing that cannot be stored


def test_a_huge_csv_field_skips_its_row_only():
    text = "title,description\nfirst,ok\nsecond," + "x" * 200_000 + "\nthird,ok\n"
    result = interchange.read(text)
    assert [row.title for row in result.rows] == ["first", "third"]
    assert [p.sentence for p in result.skipped] == [
        "line 3 cannot be read as CSV (field larger than field limit (131072))"
    ]


def test_nul_bytes_and_lone_surrogates_are_bad_rows():
    text = "title,description\nnul\x00title,\nlone\ud800,\nfine,desc\x00ription\nok,\n"
    result = interchange.read(text)
    assert [row.title for row in result.rows] == ["ok"]
    assert [p.sentence for p in result.skipped] == [
        "line 2 has a NUL character in its title",
        "line 3 has a character in its title that cannot be stored",
        "line 4 has a NUL character in its description",
    ]
    escaped = json.dumps({"format": "todo-desktop", "version": 1, "tasks": [{"title": "a\ud800"}]})
    assert (
        interchange.read(escaped).skipped[0].sentence
        == "record 1 has a character in its title that cannot be stored"
    )


def test_bytes_that_are_not_utf8_are_one_clear_error():
    with pytest.raises(
        interchange.InterchangeError,
        match=r"^The file is not UTF-8 text \(byte 9 is not\); save it again as “CSV UTF-8” in Excel, "
        r"or with the character set “Unicode \(UTF-8\)” in LibreOffice, and import that\.$",
    ):
        interchange.read(b"title\nab\xed\xa0\x80\n")  # an encoded surrogate is no UTF-8


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("[" * 200_000, "taskwarrior"),
        ('{"format": "todo-desktop", "version": 1, "tasks": [' + "[" * 200_000, "json"),
        ('{"format": "todo-desktop", "version": 1, "tasks": [' + '{"a":' * 100_000, "auto"),
        ('{"format": "todo-desktop", "version": 1' + "1" * 10_000 + ', "tasks": []}', "json"),
        ('{"format": "todo-desktop", "version": NaN, "tasks": []}', "json"),
        ('{"kind": "tasks#taskLists", "items": [' + '{"items": [' * 100_000, "auto"),
        ('{"kind": "tasks#taskLists", "items": {"kind": "tasks#taskList"}}', "google"),
        ("[]", "google"),
    ],
)
def test_deep_or_strange_json_is_one_clear_error(text: str, fmt: str):
    with pytest.raises(interchange.InterchangeError, match=r"^The file "):
        interchange.read(text, fmt)


def test_a_deep_json_line_is_a_bad_row():
    text = '{"uuid": "a", "description": "ok"}\n' + "[" * 100_000 + "\n"
    result = interchange.read(text, "taskwarrior")
    assert [p.sentence for p in result.skipped] == ["line 2 is not a JSON task"]


def _vtodo(*lines: str) -> str:
    return "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VTODO", *lines, "END:VTODO", "END:VCALENDAR", ""]
    )


def test_a_billion_folded_laughs_are_cut_off_without_holding_them():
    size = 3 * MAX_LINE
    folded = "SUMMARY:" + "\r\n ".join(["ha" * 36] * (size // 72))
    started = time.perf_counter()
    result = interchange.read(
        _vtodo("UID:1", folded) + _vtodo("UID:2", "SUMMARY:fine", "ATTACH:" + "A" * (2 * MAX_LINE))
    )
    assert time.perf_counter() - started < 10
    assert [row.title for row in result.rows] == ["fine"]
    assert [p.sentence for p in result.skipped] == [
        f"line 3 has a title of more than {MAX_LINE:,} characters"
    ]


def test_reading_a_line_without_end_holds_at_most_max_line_of_it():
    text = _vtodo("UID:1", "SUMMARY:" + "ha" * (8 * MAX_LINE))  # one line of 16 million characters
    tracemalloc.start()
    try:
        result = interchange.read(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.skipped[0].sentence == f"line 3 has a title of more than {MAX_LINE:,} characters"
    assert peak < 8 * MAX_LINE  # a few copies of one line's bound, not of the whole line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("BEGIN:VCALENDAR\r\n" + "BEGIN:X\r\n" * 100, "nests components deeper than 8"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nEND:VEVENT\r\n", "ends “VEVENT”, which was not begun there"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:x\r\n", "ends inside “VTODO”; it is cut off"),
    ],
)
def test_broken_icalendar_structure_is_one_clear_error(text: str, message: str):
    with pytest.raises(interchange.InterchangeError, match=message):
        interchange.read(text)


def test_files_and_task_counts_are_bounded(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(common, "MAX_BYTES", 100)
    with pytest.raises(interchange.InterchangeError, match=r"^The file is 0 MB; the limit is 0 MB\.$"):
        interchange.read(b"title\n" + b"x\n" * 100)
    monkeypatch.setattr(common, "MAX_BYTES", 1 << 20)
    monkeypatch.setattr(rows, "MAX_TASKS", 3)
    with pytest.raises(interchange.InterchangeError, match="more than 3 tasks"):
        interchange.read("title\na\nb\nc\nd\n")


def test_long_cells_in_messages_are_shortened_and_made_printable():
    result = interchange.read("title,due_date\nx,\x1b[31m" + "9" * 100 + "\n")
    assert (
        result.skipped[0].sentence
        == "line 2 has a due date “?[31m99999999999999999999999999999999999…” that is not a date"
    )


def test_a_component_name_in_a_message_is_quoted_printable_and_short():
    text = "BEGIN:VCALENDAR\nBEGIN:VTODO\nSUMMARY:x\nBEGIN:X\033[2J\033]0;PWNED\007\n"
    with pytest.raises(interchange.InterchangeError) as caught:
        interchange.read(text)
    assert caught.value.message == "The file ends inside “X?[2J?]0;PWNED?”; it is cut off."
    lines = ["BEGIN:VCALENDAR", "BEGIN:VTODO", *[f"SUMMARY:task {n}" for n in range(200)], "END:VTODO"]
    with pytest.raises(interchange.InterchangeError) as caught:
        interchange.read("\r".join(lines) + "\r")  # line breaks of CR alone
    message = caught.value.message
    assert len(message) < 120 and message.isprintable(), message


def test_wrong_types_in_a_takeout_file_are_bad_rows_or_left_out():
    lists = [
        7,
        {"title": ["x"], "items": {"a": 1}},
        {
            "title": "Home",
            "items": [None, {"title": "ok", "due": 5, "links": "x"}, {"title": "fine", "links": [3]}],
        },
    ]
    result = interchange.read(json.dumps({"kind": "tasks#taskLists", "items": lists}))
    assert [row.title for row in result.rows] == ["fine"]
    assert [p.sentence for p in result.skipped] == [
        "record 1 is not a task",
        "record 2 has a due date “5” that is not a date",
    ]
    assert [p.sentence for p in result.warnings] == [
        "the list became a tag, as this app has tags and not lists: “Home”",
        "2 entries among the file's lists held no list of tasks and were left out",
    ]
    odd = interchange.read('{"kind": "tasks#taskLists", "items": [1e999999]}')
    assert [p.sentence for p in odd.warnings] == [
        "1 entry among the file's lists held no list of tasks and was left out"
    ]


def test_a_huge_ticktick_cell_skips_its_row_only():
    header = '"List Name","Title","taskId"\n'
    text = '"Date: x"\n' + header + '"A","first","1"\n"A","' + "x" * 200_000 + '","2"\n"A","third","3"\n'
    result = interchange.read(text)
    assert [row.title for row in result.rows] == ["first", "third"]
    assert [p.sentence for p in result.skipped] == [
        "line 4 cannot be read as CSV (field larger than field limit (131072))"
    ]


def test_a_ticktick_file_whose_header_never_comes_is_one_sentence():
    with pytest.raises(interchange.InterchangeError) as refused:
        interchange.read('"Date: x"\n' * 100_000 + '"List Name","Title","taskId"\n', "ticktick")
    assert refused.value.message == (
        "The file is not a TickTick backup: no line near its start names the columns Title and List Name."
    )
