"""Accounts: register, sign in and out, rename, change password, delete (GDPR erasure).

Every step goes through a todo_auth function; this role cannot read password material.
"""

from __future__ import annotations

import contextlib
import platform
import uuid

from sqlalchemy import Connection, Row, text

from todo_desktop import validation
from todo_desktop.db.database import SESSION_ENDED, Database
from todo_desktop.db.passwords import DEFAULT_COST, KdfCost, KdfParams
from todo_desktop.errors import AuthenticationError, NotSignedInError, ValidationError
from todo_desktop.values import Account, SignedIn

GENERIC_FAILURE = "Email or password is wrong."

# Plain SQL: the typed tables pull in SQLModel and the ORM, a tenth of a second at start.
_ME = text(
    "SELECT id, email, first_name, last_name, is_active, created_at FROM users "
    "WHERE id = (SELECT todo_auth.current_user_id())"
)
_RENAME = text("UPDATE users SET first_name = :first_name, last_name = :last_name WHERE id = :id")


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

    def sign_in(self, email: str, password: str, *, device: str | None = None) -> SignedIn:
        try:
            email = validation.email(email)
        except ValidationError:
            raise AuthenticationError(GENERIC_FAILURE) from None
        if not password or "\x00" in password:
            raise AuthenticationError(GENERIC_FAILURE)
        return self.sign_in_with_key(email, self.derive_key(email, password), device=device)

    def sign_in_with_key(self, email: str, key: bytes, *, device: str | None = None) -> SignedIn:
        device = device or platform.node() or "unknown device"
        sql = text("SELECT todo_auth.login(:e, :k, :d)")

        def work(conn: Connection) -> str | None:
            # The function commits its failure count with this transaction even when it
            # returns NULL; that is what makes throttling stick.
            return conn.execute(sql, {"e": email, "k": key, "d": device}).scalar_one()

        token = self.db.run(None, work)
        if token is None:
            raise AuthenticationError(GENERIC_FAILURE)
        return SignedIn(account=self.current_account(token), token=token)

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
            me = _me(conn)
            conn.execute(_RENAME, {**values, "id": me.id})
            return _me(conn)

        return self.db.run(token, work)

    def change_password(self, token: str, current_password: str, new_password: str) -> None:
        """Re-derive the key with fresh salt; every other session of the account ends."""
        validation.password(new_password)
        me = self.current_account(token)
        old_key = self.derive_key(me.email, current_password)
        params = KdfParams.new(self.kdf_cost)
        new_key = params.derive(new_password)
        sql = text("SELECT todo_auth.change_password(:o, :p, :n)")
        args = {"o": old_key, "p": params.to_phc(), "n": new_key}
        if not self.db.run(token, lambda c: c.execute(sql, args).scalar_one()):
            raise AuthenticationError("The current password is wrong.")

    def delete_account(self, token: str, password: str) -> None:
        """Erase the account and everything in it; asks for the password again."""
        me = self.current_account(token)
        key = self.derive_key(me.email, password)
        sql = text("SELECT todo_auth.delete_account(:k)")
        if not self.db.run(token, lambda c: c.execute(sql, {"k": key}).scalar_one()):
            raise AuthenticationError("The password is wrong; the account was not deleted.")
