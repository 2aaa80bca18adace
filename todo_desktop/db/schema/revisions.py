"""An earlier revision's module, for a migration that builds on its SQL.

Revision files are no package (Alembic loads each one from its path), so a migration that
reuses an earlier one's statements loads that file the same way.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def earlier_revision(here: str, file_name: str) -> ModuleType:
    """The revision file ``file_name`` in the folder of ``here`` (a migration's ``__file__``)."""
    path = Path(here).with_name(file_name)
    spec = importlib.util.spec_from_file_location(f"_todo_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"no revision file {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
