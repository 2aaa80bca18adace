"""Accounts: register, sign in and out, rename, change password, delete (GDPR erasure).

Every step goes through a todo_auth or todo_api function; this role cannot read password
material. A password is proven in two transactions: begin_login records the attempt and
commits it, so rolling back cannot undo its count, and only a later transaction learns
the answer.
"""

from __future__ import annotations

import contextlib
import platform
import uuid

from sqlalchemy import Connection, Row, text

from todo_desktop.core import validation
from todo_desktop.core.errors import AuthenticationError, NotSignedInError, ValidationError
from todo_desktop.core.values import Account, SignedIn
from todo_desktop.db.connect.error_mapping import SESSION_ENDED
from todo_desktop.db.database import Database
from todo_desktop.db.passwords import DEFAULT_COST, KdfCost, KdfParams

GENERIC_FAILURE = "Email or password is wrong."

# Plain SQL over the todo_api functions: the typed tables pull in SQLModel and the ORM, a
# tenth of a second at start.
_ME = text("SELECT id, email, first_name, last_name, is_active, created_at FROM todo_api.me()")
_RENAME = text(
    "SELECT id, email, first_name, last_name, is_active, created_at "
    "FROM todo_api.rename(:first_name, :last_name)"
)
_BEGIN_LOGIN = text("SELECT todo_auth.begin_login(:e, :k, :d, :t)")
_FINISH_LOGIN = text("SELECT todo_auth.finish_login(:a)")
_NEW_DEVICE_TOKEN = text("SELECT todo_auth.new_device_token()")


def _account(row: Row) -> Account:
    return Account(
        id=row.id,
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        is_active=row.is_active,
        created_at=row.created_at,
    )


def _me(conn: Connection) -> Account:
    row = conn.execute(_ME).first()
    if row is None:
        raise NotSignedInError(SESSION_ENDED)
    return _account(row)


class AccountService:
    def __init__(self, db: Database, *, kdf_cost: KdfCost = DEFAULT_COST) -> None:
        self.db = db
        self.kdf_cost = kdf_cost

    # -- sign-up and sign-in -------------------------------------------------------------

    def register(self, email: str, first_name: str, last_name: str, password: str) -> uuid.UUID:
        validation.collect(
            [
                lambda: validation.email(email),
                lambda: validation.first_name(first_name),
                lambda: validation.last_name(last_name),
                lambda: validation.password(password),
            ]
        )
        params = KdfParams.new(self.kdf_cost)
        return self.register_with_key(
            validation.email(email),
            validation.first_name(first_name),
            validation.last_name(last_name),
            params.to_phc(),
            params.derive(password),
        )

    def register_with_key(
        self, email: str, first_name: str, last_name: str, params: str, key: bytes
    ) -> uuid.UUID:
        sql = text("SELECT todo_auth.register(:e, :f, :l, :p, :k)")
        args = {"e": email, "f": first_name, "l": last_name, "p": params, "k": key}
        # Registration is not idempotent; a lost COMMIT surfaces as "already exists".
        return self.db.run(None, lambda c: c.execute(sql, args).scalar_one())

    def login_params(self, email: str) -> KdfParams:
        sql = text("SELECT todo_auth.login_params(:e)")
        return KdfParams.parse(self.db.run(None, lambda c: c.execute(sql, {"e": email}).scalar_one()))

    def derive_key(self, email: str, password: str) -> bytes:
        return self.login_params(email).derive(password)

    def sign_in(
        self, email: str, password: str, *, device: str | None = None, device_token: str | None = None
    ) -> SignedIn:
        try:
            email = validation.email(email)
        except ValidationError:
            raise AuthenticationError(GENERIC_FAILURE) from None
        if not password or "\x00" in password:
            raise AuthenticationError(GENERIC_FAILURE)
        key = self.derive_key(email, password)
        return self.sign_in_with_key(email, key, device=device, device_token=device_token)

    def sign_in_with_key(
        self,
        email: str,
        key: bytes,
        *,
        device: str | None = None,
        device_token: str | None = None,
        remember_device: bool = True,
    ) -> SignedIn:
        """Sign in. The returned device token replaces ``device_token``: a fresh one each
        time, so a token the database has since pruned never leaves a device unknown."""
        attempt = self._attempt(email, key, device, device_token)
        token = self.db.run(None, lambda c: c.execute(_FINISH_LOGIN, {"a": attempt}).scalar_one())
        if token is None:
            raise AuthenticationError(GENERIC_FAILURE)

        def work(conn: Connection) -> tuple[Account, str | None]:
            fresh = conn.execute(_NEW_DEVICE_TOKEN).scalar_one() if remember_device else None
            return _me(conn), fresh

        account, fresh = self.db.run(token, work)
        return SignedIn(account=account, token=token, device_token=fresh)

    def _attempt(
        self, email: str, key: bytes, device: str | None, device_token: str | None = None
    ) -> uuid.UUID:
        """Record a sign-in attempt and commit it: it counts against the account before
        anything is compared, and only a later transaction may ask for its answer."""
        args = {"e": email, "k": key, "d": device or platform.node() or "unknown device", "t": device_token}
        return self.db.run(None, lambda c: c.execute(_BEGIN_LOGIN, args).scalar_one())

    # -- the signed-in account -----------------------------------------------------------

    def current_account(self, token: str) -> Account:
        return self.db.run(token, _me)

    def sign_out(self, token: str) -> None:
        """Revoke this session; signing out of one that already ended is harmless."""
        with contextlib.suppress(NotSignedInError):
            self.db.run(token, lambda c: c.execute(text("SELECT todo_auth.logout()")))

    def sign_out_everywhere(self, token: str) -> int:
        sql = text("SELECT todo_auth.logout_everywhere()")
        return int(self.db.run(token, lambda c: c.execute(sql).scalar_one()))

    def change_name(self, token: str, first_name: str, last_name: str) -> Account:
        validation.collect(
            [lambda: validation.first_name(first_name), lambda: validation.last_name(last_name)]
        )
        values = {
            "first_name": validation.first_name(first_name),
            "last_name": validation.last_name(last_name),
        }

        def work(conn: Connection) -> Account:
            row = conn.execute(_RENAME, values).first()
            if row is None:
                raise NotSignedInError(SESSION_ENDED)
            return _account(row)

        return self.db.run(token, work)

    def change_password(self, token: str, current_password: str, new_password: str) -> None:
        """Re-derive the key with fresh salt; every other session of the account ends."""
        validation.password(new_password)
        me = self.current_account(token)
        attempt = self._attempt(me.email, self.derive_key(me.email, current_password), None)
        params = KdfParams.new(self.kdf_cost)
        new_key = params.derive(new_password)
        sql = text("SELECT todo_auth.change_password(:a, :p, :n)")
        args = {"a": attempt, "p": params.to_phc(), "n": new_key}
        if not self.db.run(token, lambda c: c.execute(sql, args).scalar_one()):
            raise AuthenticationError("The current password is wrong.")

    def delete_account(self, token: str, password: str) -> None:
        """Erase the account and everything in it; asks for the password again."""
        me = self.current_account(token)
        attempt = self._attempt(me.email, self.derive_key(me.email, password), None)
        sql = text("SELECT todo_auth.delete_account(:a)")
        if not self.db.run(token, lambda c: c.execute(sql, {"a": attempt}).scalar_one()):
            raise AuthenticationError("The password is wrong; the account was not deleted.")
