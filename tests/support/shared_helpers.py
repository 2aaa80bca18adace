"""Building the shared-database gateway as the app does, for tests."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from keyring.backend import KeyringBackend

from todo_desktop.core.profiles import Profile, check_profile, parse_profile_url
from todo_desktop.core.reachability import Reachability
from todo_desktop.db.passwords import MINIMUM_COST
from todo_desktop.db.shared.gateway import SharedDatabases
from todo_desktop.machine.profile_store import ProfileStore
from todo_desktop.machine.secret_store import SecretStore

SERVICE = "todo-desktop-test"


def make_gateway(
    folder: Path,
    backend: KeyringBackend,
    *,
    retry_budget: float = 2.0,
    device: str = "test device",
    reachability: Reachability | None = None,
    outbox_folder: Path | None = None,
) -> SharedDatabases:
    """A gateway as the app builds it, on an in-memory keyring and the cheapest legal argon2."""
    return SharedDatabases(
        ProfileStore(folder),
        lambda: SecretStore(SERVICE, None, backend, allow_file_fallback=False),
        kdf_cost=MINIMUM_COST,
        retry_budget=retry_budget,
        device=device,
        reachability=reachability,
        outbox_folder=outbox_folder,
    )


def add_profile(gateway: SharedDatabases, url: str, name: str = "Shared") -> Profile:
    profile, password = parse_profile_url(url)
    return gateway.save_profile(check_profile(replace(profile, name=name)), password or None)
