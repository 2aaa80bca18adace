"""bundling.icu cuts an ICU common data package to the named items: the kept items come back
byte for byte, where ICU looks for them, and nothing else does. The packages here are written
and read by the test's own code, after ICU's layout (udata.cpp, the "CmnD" format)."""

from __future__ import annotations

import bisect
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from bundling import BuildError
from bundling.icu import icu_blob, package_with, rebuild_icu_data, trimmed_icu

PACKAGE = "testdt99l"
ITEMS = {
    # name -> contents, of lengths that are and are not multiples of 16
    "brkitr/word.brk": b"W" * 40,
    "cnvalias.icu": bytes(range(256)) * 3 + b"tail",
    "coll/de.res": b"\x01\x02\x03",
    "coll/root.res": b"root collation" * 5,
    "coll/ucadata.icu": b"U" * 64,
    "en.res": b"",
    "zone/en.res": b"zone names\0\0\0",
}


def write_package(items: dict[str, bytes], header_extra: bytes = b"(C) test data") -> bytes:
    """A little-endian common data package as ICU's pkgdata lays it out."""
    info = struct.pack("<HHBBBB4s4s4s", 20, 0, 0, 0, 2, 0, b"CmnD", bytes([1, 0, 0, 0]), bytes([3, 0, 0, 0]))
    header_size = 4 + len(info) + len(header_extra)
    header_size += -header_size % 16
    header = (struct.pack("<H", header_size) + b"\xda\x27" + info + header_extra).ljust(header_size, b"\0")
    names = sorted(f"{PACKAGE}/{name}".encode() for name in items)
    table_size = 4 + 8 * len(names)
    strings = b"".join(name + b"\0" for name in names)
    data_at = table_size + len(strings)
    data_at += -(header_size + data_at) % 16
    toc, body, name_at = [], b"", table_size
    for name in names:
        toc.append(struct.pack("<II", name_at, data_at + len(body)))
        name_at += len(name) + 1
        contents = items[name.decode().split("/", 1)[1]]
        body += contents + b"\0" * (-len(contents) % 16)
    head = header + struct.pack("<I", len(names)) + b"".join(toc) + strings
    return head.ljust(header_size + data_at, b"\0") + body


def read_package(blob: bytes) -> tuple[bytes, dict[str, bytes], list[int]]:
    """The header, the items (up to the next item's start) and where each item starts."""
    header_size = struct.unpack_from("<H", blob, 0)[0]
    count = struct.unpack_from("<I", blob, header_size)[0]
    entries = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    starts = [header_size + data for _, data in entries]
    items = {}
    for (name_at, _), start, end in zip(entries, starts, [*starts[1:], len(blob)], strict=True):
        at = header_size + name_at
        items[blob[at : blob.index(b"\0", at)].decode()] = blob[start:end]
    return blob[:header_size], items, starts


def lookup(blob: bytes, path: str) -> bytes | None:
    """An item found as ICU finds it: a binary search of the table of contents by name."""
    _, items, _ = read_package(blob)
    names = list(items)
    at = bisect.bisect_left(names, f"{PACKAGE}/{path}")
    return items[names[at]] if at < len(names) and names[at] == f"{PACKAGE}/{path}" else None


def test_the_writer_reads_back():
    # The test's own writer and reader agree before they judge anything.
    header, items, starts = read_package(write_package(ITEMS))
    assert {name.split("/", 1)[1]: data.rstrip(b"\0") for name, data in items.items()} == {
        name: data.rstrip(b"\0") for name, data in ITEMS.items()
    }
    assert all(start % 16 == 0 for start in starts)
    assert header.startswith(struct.pack("<H", len(header)) + b"\xda\x27")


@pytest.mark.parametrize(
    "kept",
    [
        ("coll/root.res", "cnvalias.icu", "en.res"),
        ("zone/en.res",),
        ("brkitr/word.brk", "coll/de.res"),
        ("cnvalias.icu", "coll/root.res", "coll/ucadata.icu", "en.res"),
    ],
)
def test_kept_items_come_back_byte_for_byte_and_the_rest_is_gone(kept: tuple[str, ...]):
    original = write_package(ITEMS)

    trimmed = package_with(original, kept)

    header, items, starts = read_package(trimmed)
    assert header == read_package(original)[0]
    assert sorted(items) == sorted(f"{PACKAGE}/{name}" for name in kept)
    assert list(items) == sorted(items), "ICU binary-searches the table: it must stay sorted"
    for name in kept:
        data = items[f"{PACKAGE}/{name}"]
        assert data[: len(ITEMS[name])] == ITEMS[name]
        assert data[len(ITEMS[name]) :] == bytes(len(data) - len(ITEMS[name]))
        assert lookup(trimmed, name) == data
    assert all(start % 16 == 0 for start in starts)
    for name in set(ITEMS) - set(kept):
        assert lookup(trimmed, name) is None
    assert len(trimmed) < len(original)


def test_a_folder_keeps_everything_under_it():
    trimmed = package_with(write_package(ITEMS), ("coll/",))
    _, items, _ = read_package(trimmed)
    assert sorted(items) == [
        f"{PACKAGE}/coll/de.res",
        f"{PACKAGE}/coll/root.res",
        f"{PACKAGE}/coll/ucadata.icu",
    ]
    assert items[f"{PACKAGE}/coll/de.res"].rstrip(b"\0") == ITEMS["coll/de.res"]


def test_keeping_everything_gives_the_same_package():
    original = write_package(ITEMS)
    assert package_with(original, tuple(ITEMS)) == original


def test_an_item_that_is_not_there_stops_the_build():
    with pytest.raises(BuildError, match=r"has no \['coll/sv.res'\]"):
        package_with(write_package(ITEMS), ("coll/root.res", "coll/sv.res"))


def test_only_little_endian_common_data_is_cut():
    original = bytearray(write_package(ITEMS))
    big_endian = bytes(original[:8]) + b"\x01" + bytes(original[9:])
    other_format = bytes(original[:12]) + b"ResB" + bytes(original[16:])
    for blob in (big_endian, other_format):
        with pytest.raises(BuildError, match="not a little-endian common data package"):
            package_with(blob, ("en.res",))


needs_compiler = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not all(shutil.which(tool) for tool in ("cc", "nm", "readelf")),
    reason="rebuilding ICU's data library needs Linux, cc, nm and readelf",
)


def _library_of(package: bytes, folder: Path, symbol: str, soname: str) -> Path:
    """A data library as ICU's own build makes one: the package behind one exported symbol."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.bin").write_bytes(package)
    (folder / "lib.c").write_text(
        f'__asm__(".section .rodata\\n.globl {symbol}\\n.balign 16\\n{symbol}:\\n'
        f'.incbin \\"package.bin\\"\\n.size {symbol}, .-{symbol}\\n.type {symbol}, @object\\n");\n'
    )
    library = folder / soname
    subprocess.run(
        ["cc", "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", str(library), "lib.c"],
        cwd=folder,
        check=True,
    )
    return library


@needs_compiler
def test_the_rebuilt_library_exports_the_cut_package(tmp_path: Path):
    original = write_package(ITEMS)
    library = _library_of(original, tmp_path / "src", "icudt99_dat", "libicudata.so.99")
    kept = ("coll/ucadata.icu", "cnvalias.icu")

    rebuilt = rebuild_icu_data(library, "libicudata.so.99", kept, tmp_path / "out")

    assert rebuilt == tmp_path / "out" / "libicudata.so.99"
    dynamic = subprocess.run(
        ["readelf", "-d", "-W", str(rebuilt)], capture_output=True, text=True, check=True
    )
    assert "Library soname: [libicudata.so.99]" in dynamic.stdout
    assert "(NEEDED)" not in dynamic.stdout
    symbol, package = icu_blob(rebuilt)
    assert symbol == "icudt99_dat"
    assert package == package_with(original, kept)
    _, items, _ = read_package(package)
    assert {name: data.rstrip(b"\0") for name, data in items.items()} == {
        f"{PACKAGE}/{name}": ITEMS[name].rstrip(b"\0") for name in kept
    }


@needs_compiler
def test_only_the_icu_data_library_is_replaced(tmp_path: Path):
    library = _library_of(write_package(ITEMS), tmp_path / "src", "icudt99_dat", "libicudata.so.99")
    binaries = [
        ("PySide6/Qt/lib/libicuuc.so.99", str(library), "BINARY"),
        ("PySide6/Qt/lib/libicudata.so.99", str(library), "BINARY"),
        ("libicudata.so.99", "PySide6/Qt/lib/libicudata.so.99", "SYMLINK"),
    ]
    result = trimmed_icu(binaries, ("en.res",), tmp_path / "out")
    assert result[0] == binaries[0]
    assert result[1] == (binaries[1][0], str(tmp_path / "out" / "libicudata.so.99"), "BINARY")
    assert result[2] == binaries[2]
    assert icu_blob(Path(result[1][1]))[1] == package_with(write_package(ITEMS), ("en.res",))


@needs_compiler
def test_pyside6_icu_data_keeps_what_build_spec_names(tmp_path: Path):
    pyside = pytest.importorskip("PySide6")
    found = sorted(Path(pyside.__file__).parent.glob("Qt/lib/libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 carries no ICU")
    symbol, blob = icu_blob(found[0])
    kept = ("coll/root.res", "coll/ucadata.icu", "coll/res_index.res", "cnvalias.icu")
    trimmed = package_with(blob, kept)
    _, original_items, _ = read_package(blob)
    header, items, _ = read_package(trimmed)
    package = symbol.removesuffix("_dat")
    assert header == blob[: len(header)]
    assert len(items) == len(kept)
    for name in kept:
        full = next(item for item in original_items if item.endswith("/" + name) and item.startswith(package))
        assert items[full] == original_items[full]
