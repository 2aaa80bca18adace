"""Where the app keeps its files, and where its bundled files are.

``TODO_DESKTOP_HOME`` moves every folder under one root, for tests and portable use.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from todo_desktop import APP_ID

HOME_ENV = "TODO_DESKTOP_HOME"


@dataclass(frozen=True, slots=True)
class AppPaths:
    data: Path  # the embedded database cluster and the fallback secret file
    config: Path  # connection profiles, never secrets
    logs: Path
    cache: Path

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> AppPaths:
        env = os.environ if environ is None else environ
        home = env.get(HOME_ENV)
        if home:
            root = Path(home).expanduser().resolve()
            return cls(root / "data", root / "config", root / "logs", root / "cache")
        return cls(
            Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
        )

    @property
    def secrets(self) -> Path:
        """The 0600 fallback for secrets when no keyring is usable."""
        return self.data / "secrets"

    def ensure(self) -> AppPaths:
        for folder in (self.data, self.config, self.logs, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
            # The user alone. Not as root: the embedded server then runs as a helper OS
            # user that must traverse these folders (its own cluster folder stays 0700).
            if os.name == "posix" and os.geteuid() != 0:
                folder.chmod(0o700)
        return self


def bundle_root() -> Path:
    """The folder that holds ``migrations/`` and ``resources/``, frozen or from source."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parents[2]


def migrations_dir() -> Path:
    return bundle_root() / "migrations"


def resources_dir() -> Path:
    return bundle_root() / "resources"
