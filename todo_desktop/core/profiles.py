"""Connection profiles: "Local" (the embedded database) and shared PostgreSQL / Neon ones.

Plain values and a small JSON file under ``AppPaths.config``. The file never holds a
secret: database passwords and session tokens live in the keyring (``SecretStore``),
under keys derived from the profile's id, so renaming a profile keeps its secrets.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import re
import secrets
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from todo_desktop.core import validation
from todo_desktop.core.errors import ConfigurationError, InputErrors, ValidationError

log = logging.getLogger(__name__)

LOCAL_ID = "local"
LOCAL_NAME = "Local"
FILE_NAME = "profiles.json"
FORMAT_VERSION = 1
DEFAULT_PORT = 5432
NAME_MAX = 60
# PostgreSQL silently truncates identifiers longer than NAMEDATALEN - 1 bytes.
IDENTIFIER_MAX_BYTES = 63
HOST_MAX = 255
_PLAINTEXT_MODES = {"disable", "allow", "prefer"}
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_HOST_CHARS = re.compile(r"^[A-Za-z0-9._:-]+$")


class TlsMode(enum.StrEnum):
    """Only modes that encrypt; loosening below verify-full is the person's explicit choice."""

    VERIFY_FULL = "verify-full"  # encrypted, certificate and host name checked (the default)
    VERIFY_CA = "verify-ca"  # encrypted, certificate checked, host name not
    REQUIRE = "require"  # encrypted, certificate not checked


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    name: str
    host: str = ""  # a host name, an IP address, or a Unix socket folder
    port: int = DEFAULT_PORT
    database: str = ""
    user: str = ""
    tls_mode: TlsMode = TlsMode.VERIFY_FULL
    pooled: bool = False  # a PgBouncer endpoint in transaction mode (Neon's "-pooler")
    channel_binding: bool = False  # libpq channel_binding=require, kept from a pasted Neon URL

    @property
    def is_local(self) -> bool:
        return self.id == LOCAL_ID

    @property
    def password_key(self) -> str:
        return f"profile:{self.id}:password"

    @property
    def session_key(self) -> str:
        return f"profile:{self.id}:session"

    def device_key(self, email: str) -> str:
        """Where this computer keeps its device token for one account of this profile."""
        digest = hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:32]
        return f"profile:{self.id}:device:{digest}"

    def connection_url(self) -> str:
        """A postgresql:// URL without the password (the data layer adds it from the keyring)."""
        user = urllib.parse.quote(self.user, safe="")
        database = urllib.parse.quote(self.database, safe="")
        query: dict[str, str] = {}
        if self.host.startswith("/"):
            # A socket folder cannot sit in the authority part; libpq takes it as ?host=.
            authority = ""
            query.update(host=self.host, port=str(self.port))
        else:
            authority = f"[{self.host}]" if ":" in self.host else self.host
            authority += f":{self.port}"
        if self.channel_binding:
            query["channel_binding"] = "require"
        tail = f"?{urllib.parse.urlencode(query)}" if query else ""
        return f"postgresql://{user}@{authority}/{database}{tail}"


LOCAL_PROFILE = Profile(id=LOCAL_ID, name=LOCAL_NAME)


def new_profile_id() -> str:
    return secrets.token_hex(8)  # random, so secrets keyed by it survive a rename


def is_pooler_host(host: str) -> bool:
    """Neon names its PgBouncer endpoints ``ep-<name>-pooler.<region>...``."""
    return "-pooler" in host.strip().split(".")[0].lower()


# Tools such as Prisma mark a PgBouncer URL on any host with ``pgbouncer=true``.
POOLER_MARK = "pgbouncer"


def is_pooler_mark(value: str) -> bool:
    """Whether the value of a URL's ``pgbouncer`` parameter says "pooled"."""
    return value.strip().lower() in {"true", "1", "yes", "on"}


# -- checks (the form shows each sentence beside its field) ----------------------------


def _single_line(field: str, label: str, value: str, limit: int) -> str:
    if isinstance(value, str) and len(value.strip()) > limit:
        raise ValidationError(field, f"{label} is longer than {limit} characters.")
    return validation.person_name(field, label, value, required=True)


def check_name(value: str, others: tuple[Profile, ...] = (), own_id: str | None = None) -> str:
    cleaned = _single_line("name", "Name", value, NAME_MAX)
    if cleaned.casefold() == LOCAL_NAME.casefold():
        raise ValidationError("name", f"{LOCAL_NAME!r} is the embedded database's name; choose another.")
    if any(p.name.casefold() == cleaned.casefold() and p.id != own_id for p in others):
        raise ValidationError("name", f"A profile named {cleaned!r} already exists.")
    return cleaned


def check_host(value: str) -> str:
    host = value.strip()
    if not host:
        raise ValidationError("host", "Host cannot be empty.")
    if len(host) > HOST_MAX:
        raise ValidationError("host", f"Host is longer than {HOST_MAX} characters.")
    if host.startswith("/"):
        if any(unicodedata.category(ch) == "Cc" for ch in host):
            raise ValidationError("host", "A socket folder cannot contain control characters.")
        return host
    host = host.strip("[]")
    if not _HOST_CHARS.match(host) or "," in host:
        raise ValidationError("host", "Host must be one host name or IP address, like ep-x.neon.tech.")
    return host


def check_port(value: int | str) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        raise ValidationError("port", "Port must be a number from 1 to 65535.") from None
    if not 1 <= port <= 65535:
        raise ValidationError("port", "Port must be a number from 1 to 65535.")
    return port


def check_identifier(field: str, label: str, value: str) -> str:
    cleaned = _single_line(field, label, value, IDENTIFIER_MAX_BYTES)
    if len(cleaned.encode("utf-8")) > IDENTIFIER_MAX_BYTES:
        raise ValidationError(
            field, f"{label} is longer than PostgreSQL allows ({IDENTIFIER_MAX_BYTES} bytes)."
        )
    return cleaned


def check_tls_mode(value: str) -> TlsMode:
    try:
        return TlsMode(value)
    except ValueError:
        # No plaintext mode is offered: passwords would cross the network in the clear.
        raise ValidationError("tls_mode", "TLS mode must be verify-full, verify-ca or require.") from None


def check_profile(draft: Profile, others: tuple[Profile, ...] = ()) -> Profile:
    """The cleaned shared profile; raises InputErrors (or one ValidationError) naming each bad field."""
    checks: dict[str, Callable[[], object]] = {
        "name": lambda: check_name(draft.name, others, draft.id),
        "host": lambda: check_host(draft.host),
        "port": lambda: check_port(draft.port),
        "database": lambda: check_identifier("database", "Database", draft.database),
        "user": lambda: check_identifier("user", "User", draft.user),
        "tls_mode": lambda: check_tls_mode(str(draft.tls_mode)),
    }
    values: dict[str, Any] = {}
    errors: list[ValidationError] = []
    for key, check in checks.items():
        try:
            values[key] = check()
        except ValidationError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)
    return replace(draft, **values, pooled=bool(draft.pooled), channel_binding=bool(draft.channel_binding))


# -- pasting a whole URL (Neon's console gives one) ------------------------------------


def parse_profile_url(raw: str) -> tuple[Profile, str]:
    """Split ``postgresql://user:pass@host/db?sslmode=...`` into an unchecked profile (with a
    suggested name) and the password, which goes to the keyring, never into the profile.

    Neon's ``sslmode=require`` is its generic advice, not the person's choice to skip the
    certificate check, so it becomes verify-full (Neon's certificates verify against the
    system trust store); ``verify-ca`` is kept. Plaintext to another computer is refused.
    """
    text = raw.strip()
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError as exc:  # an unclosed [IPv6] host, or one that Unicode folding changes
        if "IPv6" in str(exc):
            raise ValidationError("url", "The URL's host opens a bracket it does not close.") from None
        raise ValidationError("url", "The URL's host is not valid.") from None
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65535:  # 0 too: never quietly the default port
        raise ValidationError("url", "The URL's port is not a number from 1 to 65535.")
    scheme = parts.scheme.lower().split("+")[0]
    if scheme not in {"postgresql", "postgres"}:
        raise ValidationError("url", "Paste a URL that starts with postgresql://.")
    query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query, keep_blank_values=True).items()}
    host = urllib.parse.unquote(parts.hostname or "") or query.get("host", "")
    if not host:
        raise ValidationError("url", "The URL has no host.")
    if "," in host or "," in parts.netloc:
        raise ValidationError("url", "URLs with several hosts are not supported; paste one host.")
    sslmode = query.get("sslmode", "")
    local = host.startswith("/") or host.lower() in _LOCAL_HOSTS
    if sslmode in _PLAINTEXT_MODES and not local:
        raise ValidationError(
            "url",
            f"This URL turns TLS off (sslmode={sslmode}); passwords would cross the network in the clear.",
        )
    if "port" in query and port is None:
        port = check_port(query["port"])
    database = urllib.parse.unquote(parts.path.lstrip("/")) or query.get("dbname", "")
    where = "this computer" if host.startswith("/") else host.split(".")[0].removesuffix("-pooler")
    profile = Profile(
        id=new_profile_id(),
        name=f"{database} on {where}"[:NAME_MAX],
        host=host,
        port=port or DEFAULT_PORT,
        database=database,
        user=urllib.parse.unquote(parts.username or "") or query.get("user", ""),
        tls_mode=TlsMode.VERIFY_CA if sslmode == "verify-ca" else TlsMode.VERIFY_FULL,
        pooled=is_pooler_host(host) or is_pooler_mark(query.get(POOLER_MARK, "")),
        channel_binding=query.get("channel_binding") == "require",
    )
    return profile, urllib.parse.unquote(parts.password or "")


@dataclass(frozen=True, slots=True)
class Profiles:
    """Every profile (Local first) and which one is in use; immutable, so safe to share."""

    items: tuple[Profile, ...] = (LOCAL_PROFILE,)
    active_id: str = LOCAL_ID

    def get(self, profile_id: str) -> Profile:
        for profile in self.items:
            if profile.id == profile_id:
                return profile
        raise ConfigurationError("That connection profile no longer exists.")

    @property
    def active(self) -> Profile:
        return next((p for p in self.items if p.id == self.active_id), LOCAL_PROFILE)

    @property
    def shared(self) -> tuple[Profile, ...]:
        return tuple(p for p in self.items if not p.is_local)

    def with_profile(self, profile: Profile) -> Profiles:
        if profile.is_local:
            raise ConfigurationError("The local profile cannot be changed.")
        check_name(profile.name, self.items, profile.id)
        items = tuple(profile if p.id == profile.id else p for p in self.items)
        return replace(self, items=items if profile in items else (*items, profile))

    def without(self, profile_id: str) -> Profiles:
        if profile_id == LOCAL_ID:
            raise ConfigurationError("The local profile cannot be removed.")
        active = LOCAL_ID if self.active_id == profile_id else self.active_id
        return Profiles(tuple(p for p in self.items if p.id != profile_id), active)

    def with_active(self, profile_id: str) -> Profiles:
        return replace(self, active_id=self.get(profile_id).id)
