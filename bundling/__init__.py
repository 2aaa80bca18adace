"""Binary surgery for the PyInstaller build (build.spec), kept out of the spec so that it can be
typed and tested.

After PyInstaller's analysis, on Linux, the collected binaries are made smaller without
changing what runs: ICU's data is cut to what the app reads (``icu``), symbol tables are
stripped where the loaded image stays the same (``strip``), and Python's ssl and hashlib share
psycopg-binary's OpenSSL instead of bringing a second one (``openssl``). ``elf`` reads the parts
of ELF files those decisions depend on.

This package is not part of the app and is never bundled: only build.spec imports it. It is
not called ``packaging``: PyInstaller imports the PyPI distribution of that name, which a
top-level package here would hide from it.
"""

from __future__ import annotations

import sys

# One entry of PyInstaller's binaries list: (name in the bundle, source file, type code). The
# type code "SYMLINK" marks a link PyInstaller recreates, whose source is not a file to edit.
TocEntry = tuple[str, str, str]

# The build log's lines from the spec start with this; .ci/frozen-check shows those lines.
_PREFIX = "build.spec: "


class BuildError(SystemExit):
    """Stops the build with a message and without a traceback: the input is not what the
    surgery knows how to handle, and a guess could ship a broken app."""

    def __init__(self, message: str) -> None:
        super().__init__(_PREFIX + message)


def note(message: str) -> None:
    """Tells the person building what was (or could not be) done to the binaries."""
    print(_PREFIX + message, file=sys.stderr)
