"""Every package the app imports is declared in pyproject.toml, not merely pulled in by
another one (which may drop it in any release)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from tests.support.repo import ROOT


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_levels() -> set[str]:
    found: set[str] = set()
    for path in [*(ROOT / "todo_desktop").rglob("*.py"), *(ROOT / "migrations").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"todo_desktop", "__future__"}


def test_every_imported_package_is_declared():
    declared = {
        _normal(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0])
        for spec in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    owners = packages_distributions()
    missing = {
        module: owners.get(module, ["?"])
        for module in _imported_top_levels()
        # Not installed here (a Windows-only one, say): its own name must be declared.
        if not any(_normal(dist) in declared for dist in owners.get(module, [module]))
    }
    assert missing == {}
