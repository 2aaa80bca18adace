"""The parts of an ELF file that decide what the bundle keeps: the file header, the section
headers, the program headers (what the dynamic loader maps) and the dynamic section's
DT_NEEDED entries.

Symbols, section names and loaded images are read for ELF64 little-endian files only: that is
the only kind PySide6, psycopg and pgserver ship for Linux (x86-64 and arm64), and a file of
another kind is left as it is. DT_NEEDED is read for both classes and byte orders, as
``readelf -d`` reads it, so that no library in the bundle is missed when deciding what links
to what.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import NamedTuple

ELF64_LE = b"\x7fELF\x02\x01"  # the magic, then ELFCLASS64 and ELFDATA2LSB
SHT_SYMTAB = 2
PT_LOAD = 1
PT_DYNAMIC = 2
DT_NULL = 0
DT_NEEDED = 1
DT_STRTAB = 5


class Section(NamedTuple):
    """An ELF64 section header, without the fields nothing here reads."""

    name_offset: int
    kind: int
    flags: int
    address: int
    offset: int
    size: int


class ProgramHeader(NamedTuple):
    """An ELF program header; its fields in ELF64's order, whichever class the file is."""

    kind: int
    flags: int
    offset: int
    address: int
    physical_address: int
    file_size: int
    memory_size: int
    align: int


class LoadedImage(NamedTuple):
    """What the dynamic loader reads of a file: two files with equal images load the same."""

    header: bytes
    program_headers: list[ProgramHeader]
    segments: list[bytes]


def sections(data: bytes) -> list[Section]:
    """The section headers of an ELF64 little-endian file (none when it has no table)."""
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    return [Section._make(struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)) for i in range(shnum)]


def has_symbols(path: Path) -> bool:
    """Whether ``path`` is an ELF64 little-endian file with a symbol table or debug sections,
    the parts ``strip`` can take away."""
    data = path.read_bytes()
    if data[:6] != ELF64_LE:
        return False
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shnum, shstrndx = struct.unpack_from("<HH", data, 0x3C)
    if shoff == 0 or shnum == 0:
        return False
    table = sections(data)
    names_at = table[shstrndx].offset
    for section in table:
        name = _c_string(data, names_at + section.name_offset)
        if section.kind == SHT_SYMTAB or name.startswith(b".debug"):
            return True
    return False


def loaded_image(path: Path) -> LoadedImage:
    """The loaded image of an ELF64 little-endian file: the ELF header without its section
    header fields, the program headers, and the bytes of each PT_LOAD segment.

    The section header fields are blanked in the header, and in the segment that holds the
    header, because ``strip`` rewrites them while the loader never reads them.
    """
    data = bytearray(path.read_bytes())
    data[0x28:0x30] = bytes(8)  # e_shoff
    data[0x3A:0x40] = bytes(6)  # e_shentsize, e_shnum, e_shstrndx
    headers = program_headers(bytes(data))
    segments = [bytes(data[h.offset : h.offset + h.file_size]) for h in headers if h.kind == PT_LOAD]
    return LoadedImage(bytes(data[:64]), headers, segments)


def program_headers(data: bytes) -> list[ProgramHeader]:
    """The program headers of an ELF file of either class and byte order."""
    order, wide = _layout(data)
    if wide:
        phoff = struct.unpack_from(order + "Q", data, 0x20)[0]
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x36)
        return [
            ProgramHeader._make(struct.unpack_from(order + "IIQQQQQQ", data, phoff + i * phentsize))
            for i in range(phnum)
        ]
    phoff = struct.unpack_from(order + "I", data, 0x1C)[0]
    phentsize, phnum = struct.unpack_from(order + "HH", data, 0x2A)
    found = []
    for i in range(phnum):
        # ELF32 puts p_flags after p_memsz.
        kind, offset, address, physical, file_size, memory_size, flags, align = struct.unpack_from(
            order + "IIIIIIII", data, phoff + i * phentsize
        )
        found.append(ProgramHeader(kind, flags, offset, address, physical, file_size, memory_size, align))
    return found


def needed(path: Path) -> set[str]:
    """The libraries an ELF file names as DT_NEEDED; none for a file that is not ELF, has no
    dynamic section or cannot be read (as ``readelf -d`` then lists none)."""
    data = path.read_bytes()
    try:
        return _needed(data)
    except (ValueError, IndexError, struct.error):
        return set()


def file_offset(data: bytes, address: int) -> int | None:
    """The file offset of a virtual address in an ELF64 little-endian file, through the first
    section header whose addresses hold it."""
    for section in sections(data):
        if section.address <= address < section.address + section.size:
            return section.offset + address - section.address
    return None


def _needed(data: bytes) -> set[str]:
    order, wide = _layout(data)
    headers = program_headers(data)
    dynamic = [h for h in headers if h.kind == PT_DYNAMIC]
    if not dynamic:
        return set()
    entry = struct.Struct(order + ("qQ" if wide else "iI"))
    start, end = dynamic[0].offset, dynamic[0].offset + dynamic[0].file_size
    names, strtab = [], None
    for at in range(start, end - entry.size + 1, entry.size):
        tag, value = entry.unpack_from(data, at)
        if tag == DT_NULL:
            break
        if tag == DT_NEEDED:
            names.append(value)
        elif tag == DT_STRTAB:
            strtab = value
    if strtab is None:
        return set()
    # DT_STRTAB is an address; the loaded segments say where that address is in the file.
    for h in headers:
        if h.kind == PT_LOAD and h.address <= strtab < h.address + h.file_size:
            table = h.offset + strtab - h.address
            return {_c_string(data, table + name).decode() for name in names}
    return set()


def _layout(data: bytes) -> tuple[str, bool]:
    """The struct byte order and whether the file is ELF64, from its identification bytes."""
    if data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
        raise ValueError("not an ELF file")
    return ("<" if data[5] == 1 else ">"), data[4] == 2


def _c_string(data: bytes, start: int) -> bytes:
    return data[start : data.index(b"\0", start)]
