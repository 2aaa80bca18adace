"""Client-side key derivation, the Bitwarden way: the password never leaves the machine.

key = argon2id(password, salt, params); the database stores the params and sha256(key).
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw

from todo_desktop.core.errors import AuthenticationError

KEY_BYTES = 32
_PHC = re.compile(
    r"^\$argon2id\$v=19\$m=(?P<m>[0-9]{1,9}),t=(?P<t>[0-9]{1,4}),p=(?P<p>[0-9]{1,3})"
    r"\$(?P<salt>[A-Za-z0-9+/]{22,})$"
)


@dataclass(frozen=True, slots=True)
class KdfCost:
    memory_kib: int
    iterations: int
    parallelism: int


# OWASP's recommended floor is m=19 MiB, t=2, p=1; the database refuses anything lower.
MINIMUM_COST = KdfCost(memory_kib=19_456, iterations=2, parallelism=1)
DEFAULT_COST = KdfCost(memory_kib=65_536, iterations=3, parallelism=4)
# A hostile server could send parameters that would exhaust this machine's memory.
_CEILING = KdfCost(memory_kib=1_048_576, iterations=20, parallelism=16)


@dataclass(frozen=True, slots=True)
class KdfParams:
    cost: KdfCost
    salt: bytes

    @classmethod
    def new(cls, cost: KdfCost = DEFAULT_COST) -> KdfParams:
        return cls(cost=cost, salt=secrets.token_bytes(16))

    @classmethod
    def parse(cls, phc: str) -> KdfParams:
        match = _PHC.match(phc or "")
        if not match:
            raise AuthenticationError("Email or password is wrong.")
        cost = KdfCost(int(match["m"]), int(match["t"]), int(match["p"]))
        if (
            cost.memory_kib > _CEILING.memory_kib
            or cost.iterations > _CEILING.iterations
            or cost.parallelism > _CEILING.parallelism
        ):
            raise AuthenticationError("The server asked for unsafe password settings; refusing.")
        salt = base64.b64decode(match["salt"] + "=" * (-len(match["salt"]) % 4))
        return cls(cost=cost, salt=salt)

    def to_phc(self) -> str:
        salt = base64.b64encode(self.salt).decode().rstrip("=")
        c = self.cost
        return f"$argon2id$v=19$m={c.memory_kib},t={c.iterations},p={c.parallelism}${salt}"

    def derive(self, password: str) -> bytes:
        return hash_secret_raw(
            secret=password.encode("utf-8"),
            salt=self.salt,
            time_cost=self.cost.iterations,
            memory_cost=self.cost.memory_kib,
            parallelism=self.cost.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )


def random_password() -> str:
    """A secret for the automatic local account: 256 bits, printable."""
    return secrets.token_urlsafe(32)
