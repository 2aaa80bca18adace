"""ICU's data library, rebuilt with only the items the app reads.

PySide6's Linux wheels carry ICU, whose data library (libicudata, 31 MB) is nothing but one
exported symbol, ``icudtNN_dat``: a common data package of named items. The library is rebuilt
from a package that keeps the items build.spec names, under the same soname and symbol, so
that ICU finds it as before and simply lacks the items it was not going to open.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from bundling import BuildError, TocEntry, note
from bundling.elf import file_offset

ALIGN = 16  # ICU places the table's names and every item at this boundary


class Item(NamedTuple):
    """One item of a common data package."""

    name: bytes  # the package's name, "/", then the item's path: b"icudt73l/coll/root.res"
    data: bytes  # up to the next item, with the padding that aligned it

    @property
    def path(self) -> str:
        """The item's name without the package's: "coll/root.res"."""
        return self.name.decode("ascii").split("/", 1)[-1]


def trimmed_icu(binaries: list[TocEntry], kept: tuple[str, ...], out: Path) -> list[TocEntry]:
    """Linux: ``binaries`` with a libicudata rebuilt under ``out`` to hold only the items in
    ``kept`` (see ``package_with``), when a C compiler and nm are at hand."""
    if not sys.platform.startswith("linux"):
        return binaries
    tools = [shutil.which(tool) for tool in ("cc", "nm")]
    result = []
    for dest, src, kind in binaries:
        if not Path(dest).name.startswith("libicudata.so") or kind == "SYMLINK":
            result.append((dest, src, kind))
        elif not all(tools):
            note("no cc or nm; ICU's data stays whole (31 MB)")
            result.append((dest, src, kind))
        else:
            result.append((dest, str(rebuild_icu_data(Path(src), Path(dest).name, kept, out)), kind))
    return result


def rebuild_icu_data(library: Path, soname: str, kept: tuple[str, ...], out: Path) -> Path:
    """A copy of the data library ``library``, named ``soname`` in ``out``, with only the
    items in ``kept``."""
    symbol, blob = icu_blob(library)
    package = package_with(blob, kept)
    out.mkdir(parents=True, exist_ok=True)
    (out / "data.dat").write_bytes(package)
    # The package goes in byte for byte (.incbin), read-only and 16-byte aligned as ICU's
    # genccode places it; the GNU-stack note keeps the library from asking for an executable
    # stack, which the loader would otherwise grant the whole process.
    (out / "data.S").write_text(
        f".section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n"
        f'{symbol}:\n.incbin "data.dat"\n.size {symbol}, .-{symbol}\n'
        '.section .note.GNU-stack,"",@progbits\n',
        encoding="ascii",
    )
    target = out / soname
    subprocess.run(
        ["cc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(target), "data.S"],
        cwd=out,
        check=True,
    )
    note(f"ICU data {len(blob) / 2**20:.1f} MB -> {len(package) / 2**20:.1f} MB")
    return target


def icu_blob(library: Path) -> tuple[str, bytes]:
    """The data package that ``library`` exports as ``icudtNN_dat``, and that symbol's name."""
    listing = subprocess.run(
        ["nm", "-D", "-S", "--defined-only", str(library)], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[3].startswith("icudt") and fields[3].endswith("_dat"):
            address, size, symbol = int(fields[0], 16), int(fields[1], 16), fields[3]
            break
    else:
        raise BuildError(f"no icudt*_dat symbol in {library}")
    data = library.read_bytes()
    start = file_offset(data, address)
    if start is None:
        raise BuildError(f"{symbol} is in no section of {library}")
    return symbol, data[start : start + size]


def package_items(blob: bytes) -> tuple[bytes, list[Item]]:
    """The header and the items, in table order, of an ICU common data package ("CmnD",
    little-endian).

    Layout: a header (its size first, then ICU's magic bytes and a UDataInfo), then a table of
    contents (a count, then name and data offsets from the table's start, sorted by name,
    which ICU binary-searches), the names, and the items.
    """
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise BuildError("ICU data is not a little-endian common data package")
    count = struct.unpack_from("<I", blob, header_size)[0]
    entries = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    starts = [header_size + data_offset for _, data_offset in entries]
    # An item's size is not in the table: it runs to the next item's start.
    if starts != sorted(starts):
        raise BuildError("ICU data items are not in table order")
    items = []
    for (name_offset, _), start, end in zip(entries, starts, [*starts[1:], len(blob)], strict=True):
        at = header_size + name_offset
        items.append(Item(blob[at : blob.index(b"\0", at)], blob[start:end]))
    return blob[:header_size], items


def package_with(blob: bytes, kept: tuple[str, ...]) -> bytes:
    """The package ``blob`` with only the items named in ``kept`` (their paths, without the
    package's name; a name ending in "/" keeps that whole folder). Dropping entries keeps the
    table's order, so ICU's binary search still works."""
    header, items = package_items(blob)
    folders = tuple(item for item in kept if item.endswith("/"))
    chosen = [item for item in items if item.path in kept or item.path.startswith(folders)]
    if missing := {item for item in kept if not item.endswith("/")} - {item.path for item in chosen}:
        raise BuildError(f"ICU data has no {sorted(missing)}")
    return packed(header, chosen)


def packed(header: bytes, items: list[Item]) -> bytes:
    """A common data package of ``items``, in the order given, behind ``header``."""
    names = b"".join(item.name + b"\0" for item in items)
    names_at = 4 + 8 * len(items)
    items_at = names_at + len(names) + _pad(len(header) + names_at + len(names))
    toc, body, name_offset, data_offset = [], [], names_at, items_at
    for item in items:
        toc.append(struct.pack("<II", name_offset, data_offset))
        body.append(item.data + b"\0" * _pad(len(item.data)))
        name_offset += len(item.name) + 1
        data_offset += len(item.data) + _pad(len(item.data))
    head = header + struct.pack("<I", len(items)) + b"".join(toc) + names
    return head + b"\0" * _pad(len(head)) + b"".join(body)


def _pad(size: int) -> int:
    """The bytes that bring ``size`` to the next ALIGN boundary."""
    return -size % ALIGN
