"""Title sort keys: accents and case do not count, and the quick way for plain ASCII titles
gives exactly the key the full Unicode way gives."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from todo_desktop.core.title_order import title_key


def full_key(title: str) -> str:
    decomposed = unicodedata.normalize("NFKD", title)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold())


def test_accents_and_case_do_not_count():
    assert title_key("Äpfel") == title_key("apfel") == "apfel"
    assert title_key("Crème Brûlée") == "creme brulee"
    assert title_key("STRASSE") == title_key("Straße") == "strasse"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_an_ascii_title_has_the_key_of_the_full_rules(title):
    assert title_key(title) == full_key(title)


@given(st.text())
def test_any_title_has_the_key_of_the_full_rules(title):
    assert title_key(title) == full_key(title)
