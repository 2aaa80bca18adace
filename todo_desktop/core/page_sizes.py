"""How many tasks a list reads at a time.

The first read of a list, or of a search, is what the person waits for after every key they
type, so it holds a window's rows and a few more, and no more than that: the rows below it
arrive as the view asks for them. A window taller than ``FIRST_PAGE`` rows gets first reads
of its own height (``first_page_for``), so that one read still fills it and the list can be
read again quietly when another device changes it. Later reads are only waited for at the
end of what is loaded, and bring a few screens each.
"""

FIRST_PAGE = 50
NEXT_PAGE = 100
# A first read never asks for more: past this a window is taller than any screen.
MOST_FIRST_PAGE = 400
# Rows read below the last one shown, so that the first key presses down need no read.
BELOW_SHOWN = 10
# A list read again (the window back in focus, F5) reads as many rows as it had loaded, up to
# this, so that the person's place stays: the data layer's largest page.
MOST_REREAD = 1000


def first_page_for(rows_shown: int) -> int:
    """The first read of a list shown in ``rows_shown`` rows."""
    return max(FIRST_PAGE, min(rows_shown + BELOW_SHOWN, MOST_FIRST_PAGE))
