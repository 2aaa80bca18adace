"""The order of titles: the same on every server, whatever its locale.

A server sorts text by its own collation: the embedded one (C.UTF-8) put "Äpfel" after
"Zebra", a Neon database (en_US.UTF-8) before it. So the app gives each title a sort key of
its own and the database compares keys byte by byte (``COLLATE "C"``): accents and case do
not count, and every server agrees.
"""

from __future__ import annotations

import unicodedata


def title_key(title: str) -> str:
    """``title`` without accents, case-folded: "Äpfel" and "apfel" share a key."""
    if title.isascii():  # no accents, nothing to compose: the same key at a fraction of the cost
        return title.casefold()
    decomposed = unicodedata.normalize("NFKD", title)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold())
