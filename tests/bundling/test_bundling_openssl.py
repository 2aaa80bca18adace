"""bundling.openssl: Python's ssl, relinked to psycopg-binary's OpenSSL, loads that copy and
not the system's; and nothing is relinked when something else needs the system's OpenSSL."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bundling.elf import needed
from bundling.openssl import SYSTEM, one_openssl

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="relinking is done on Linux only"
)


def _ssl_module() -> Path:
    found = sorted(Path(sysconfig.get_config_var("DESTSHARED") or "").glob("_ssl.*.so"))
    if not found or not SYSTEM & needed(found[0]):
        pytest.skip("this Python's ssl does not link the system's OpenSSL 3")
    return found[0]


def _psycopg_openssl() -> list[Path]:
    spec = importlib.util.find_spec("psycopg_binary")
    libs = Path(spec.origin).parent.parent / "psycopg_binary.libs" if spec and spec.origin else Path()
    found = sorted(path for path in libs.glob("lib*.so*") if re.fullmatch(r"lib(ssl|crypto)-.*", path.name))
    if len(found) != 2:
        pytest.skip("psycopg-binary with its own OpenSSL 3 is not installed")
    return found


def _bundle(module: Path, openssl: list[Path]) -> list[tuple[str, str, str]]:
    return [
        *((f"psycopg_binary.libs/{path.name}", str(path), "BINARY") for path in openssl),
        (f"python3.11/lib-dynload/{module.name}", str(module), "EXTENSION"),
        ("libssl.so.3", "/nonexistent/libssl.so.3", "BINARY"),
        ("libcrypto.so.3", "/nonexistent/libcrypto.so.3", "BINARY"),
    ]


@pytest.mark.skipif(shutil.which("patchelf") is None, reason="patchelf missing")
def test_ssl_loads_psycopgs_openssl(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    module, openssl = _ssl_module(), _psycopg_openssl()
    bundle = tmp_path / "bundle"
    for path in openssl:
        (bundle / "psycopg_binary.libs").mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, bundle / "psycopg_binary.libs" / path.name)

    result = one_openssl(_bundle(module, openssl), bundle)

    relinked = bundle / "python3.11" / "lib-dynload" / module.name
    assert [entry[0] for entry in result] == [entry[0] for entry in _bundle(module, openssl)][:3]
    assert result[2] == (f"python3.11/lib-dynload/{module.name}", str(relinked), "EXTENSION")
    assert needed(relinked) & {path.name for path in openssl}
    assert not needed(relinked) & SYSTEM
    assert "Python's ssl and hashlib use" in capsys.readouterr().err
    load = (
        "import importlib.machinery, importlib.util, sys\n"
        "loader = importlib.machinery.ExtensionFileLoader('_ssl', sys.argv[1])\n"
        "spec = importlib.util.spec_from_file_location('_ssl', sys.argv[1], loader=loader)\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "loader.exec_module(module)\n"
        "print(module.OPENSSL_VERSION)\n"
        "print(open('/proc/self/maps').read())\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", load, str(relinked)], capture_output=True, text=True, check=True
    )
    assert run.stdout.startswith("OpenSSL 3.")
    mapped = {Path(line.split()[-1]).name for line in run.stdout.splitlines()[1:] if "/" in line}
    assert {path.name for path in openssl} <= mapped
    assert not mapped & SYSTEM


def test_nothing_changes_when_another_library_needs_the_systems_openssl(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    if shutil.which("patchelf") is None:
        pytest.skip("patchelf missing: the decision is never reached")
    module, openssl = _ssl_module(), _psycopg_openssl()
    binaries = [*_bundle(module, openssl), ("lib/other.so", str(module), "BINARY")]
    assert one_openssl(binaries, tmp_path / "out") == binaries
    assert "['lib/other.so'] need the system's OpenSSL; it stays" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_nothing_changes_without_psycopgs_openssl(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    module = _ssl_module()
    binaries = [(f"python3.11/lib-dynload/{module.name}", str(module), "EXTENSION")]
    assert one_openssl(binaries, tmp_path / "out") == binaries
    assert "no OpenSSL 3 from psycopg-binary" in capsys.readouterr().err
