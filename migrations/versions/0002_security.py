"""the security model: role todo_app, schema todo_auth, sessions, throttling, RLS

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Every client holds the connection credentials, so nothing here trusts the client.
The client derives key = argon2id(password, salt, params) itself; the database keeps
only the parameters and sha256(key), so a leaked dump lets nobody sign in.
All auth steps are SECURITY DEFINER functions with a pinned search_path and fully
qualified names; todo_app has no privilege on password_hash, sessions or throttling.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = r"""
DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'todo_app') THEN
        CREATE ROLE todo_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END
$do$;
DO $do$
BEGIN
    -- PostgreSQL 15+ already does this; older clusters upgraded in place may not.
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'public schema left as it is: the migrating role does not own it';
END
$do$;
"""

TABLES = r"""
CREATE SCHEMA todo_auth;
REVOKE ALL ON SCHEMA todo_auth FROM PUBLIC;

-- One row: a random pepper that makes the fake salts of unknown emails unguessable.
CREATE TABLE todo_auth.settings (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    pepper BYTEA NOT NULL DEFAULT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'))
);
INSERT INTO todo_auth.settings DEFAULT VALUES;

CREATE TABLE todo_auth.sessions (
    token_hash BYTEA PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id UUID NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    device VARCHAR(200) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX sessions_user_id_idx ON todo_auth.sessions (user_id);

-- Keyed by a hash of the lower-cased email, known or not, so throttling cannot be used
-- to tell which emails have accounts.
CREATE TABLE todo_auth.login_throttle (
    email_hash BYTEA PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    last_failure_at TIMESTAMPTZ,
    locked_until TIMESTAMPTZ
);

-- Outlives the accounts it mentions, so no foreign key.
CREATE TABLE todo_auth.audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    user_id UUID,
    event TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX audit_log_user_idx ON todo_auth.audit_log (user_id, at);
"""

# Internal helpers live in a file of their own: plain SQL, easy to read and review.
HELPERS = (Path(__file__).resolve().parent.parent / "sql" / "0002_auth_helpers.sql").read_text(
    encoding="utf-8"
)

API = r"""
CREATE FUNCTION todo_auth.current_user_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.user_id
      FROM todo_auth.sessions s
      JOIN public.users u ON u.id = s.user_id
     WHERE s.token_hash = sha256(convert_to(
               nullif(current_setting('todo.session_token', true), ''), 'UTF8'))
       AND s.revoked_at IS NULL
       AND s.expires_at > now()
       AND u.is_active
$$;

CREATE FUNCTION todo_auth.login_params(email text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(
        (SELECT todo_auth.params_of(u.password_hash) FROM public.users u
          WHERE lower(u.email) = lower(btrim(coalesce(login_params.email, '')))),
        (SELECT '$argon2id$v=19$m=65536,t=3,p=4$'
                || todo_auth.b64(substring(sha256(s.pepper || todo_auth.email_hash(login_params.email))
                                           FROM 1 FOR 16))
           FROM todo_auth.settings s))
$$;

CREATE FUNCTION todo_auth.register(email text, first_name text, last_name text,
                                   password_params text, password_key bytea) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    new_id uuid;
BEGIN
    PERFORM todo_auth.check_params(password_params, password_key);
    INSERT INTO public.users (email, first_name, last_name, password_hash)
    VALUES (btrim(email), btrim(first_name), btrim(coalesce(last_name, '')),
            todo_auth.verifier(password_params, password_key))
    RETURNING id INTO new_id;
    PERFORM todo_auth.audit(new_id, 'registered');
    RETURN new_id;
END
$$;

-- Never raises on a wrong key, unknown email or lock: a raise would roll back the
-- failure count that throttling depends on. The caller must COMMIT after a NULL.
CREATE FUNCTION todo_auth.login(email text, password_key bytea, device text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h bytea := todo_auth.email_hash(email);
    u public.users%ROWTYPE;
    ok boolean := false;
BEGIN
    IF todo_auth.is_locked(h) THEN
        PERFORM todo_auth.audit(NULL, 'login_refused_locked');
        RETURN NULL;
    END IF;
    SELECT * INTO u FROM public.users WHERE lower(users.email) = lower(btrim(coalesce(login.email, '')));
    BEGIN
        ok := u.id IS NOT NULL AND u.is_active AND todo_auth.key_matches(u.password_hash, password_key);
    EXCEPTION WHEN OTHERS THEN
        ok := false;
    END;
    IF NOT ok THEN
        PERFORM todo_auth.note_failure(h, u.id);
        PERFORM todo_auth.audit(u.id, 'login_failed');
        RETURN NULL;
    END IF;
    DELETE FROM todo_auth.login_throttle WHERE email_hash = h;
    PERFORM todo_auth.audit(u.id, 'login');
    RETURN todo_auth.new_session(u.id, device);
END
$$;

CREATE FUNCTION todo_auth.logout() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    UPDATE todo_auth.sessions SET revoked_at = now()
     WHERE token_hash = sha256(convert_to(nullif(current_setting('todo.session_token', true), ''), 'UTF8'))
       AND revoked_at IS NULL;
$$;

CREATE FUNCTION todo_auth.logout_everywhere() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_auth.current_user_id();
    n integer;
BEGIN
    IF me IS NULL THEN
        RETURN 0;
    END IF;
    UPDATE todo_auth.sessions SET revoked_at = now() WHERE user_id = me AND revoked_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM todo_auth.audit(me, 'logout_everywhere', n::text);
    RETURN n;
END
$$;

-- Re-checks the old key (counting failures like a sign-in), stores the new verifier and
-- revokes every other session of the account. Returns false on a wrong key or lock.
CREATE FUNCTION todo_auth.change_password(old_key bytea, new_params text, new_key bytea)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u public.users%ROWTYPE;
    h bytea;
BEGIN
    SELECT * INTO u FROM public.users WHERE id = todo_auth.current_user_id();
    IF u.id IS NULL THEN
        RETURN false;
    END IF;
    h := todo_auth.email_hash(u.email);
    IF todo_auth.is_locked(h) OR NOT todo_auth.key_matches(u.password_hash, old_key) THEN
        IF NOT todo_auth.is_locked(h) THEN
            PERFORM todo_auth.note_failure(h, u.id);
        END IF;
        RETURN false;
    END IF;
    PERFORM todo_auth.check_params(new_params, new_key);
    UPDATE public.users SET password_hash = todo_auth.verifier(new_params, new_key) WHERE id = u.id;
    UPDATE todo_auth.sessions SET revoked_at = now()
     WHERE user_id = u.id AND revoked_at IS NULL
       AND token_hash <> sha256(convert_to(current_setting('todo.session_token', true), 'UTF8'));
    PERFORM todo_auth.audit(u.id, 'password_changed');
    RETURN true;
END
$$;

-- GDPR erasure: the account, its tasks and sessions go (ON DELETE CASCADE).
CREATE FUNCTION todo_auth.delete_account(password_key bytea) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u public.users%ROWTYPE;
    h bytea;
BEGIN
    SELECT * INTO u FROM public.users WHERE id = todo_auth.current_user_id();
    IF u.id IS NULL THEN
        RETURN false;
    END IF;
    h := todo_auth.email_hash(u.email);
    IF todo_auth.is_locked(h) OR NOT todo_auth.key_matches(u.password_hash, password_key) THEN
        IF NOT todo_auth.is_locked(h) THEN
            PERFORM todo_auth.note_failure(h, u.id);
        END IF;
        RETURN false;
    END IF;
    DELETE FROM public.users WHERE id = u.id;
    DELETE FROM todo_auth.login_throttle WHERE email_hash = h;
    PERFORM todo_auth.audit(u.id, 'account_deleted');
    RETURN true;
END
$$;
"""

GRANTS = r"""
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA todo_auth FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA todo_auth FROM PUBLIC;
GRANT USAGE ON SCHEMA todo_auth TO todo_app;
GRANT EXECUTE ON FUNCTION
    todo_auth.current_user_id(),
    todo_auth.login_params(text),
    todo_auth.register(text, text, text, text, bytea),
    todo_auth.login(text, bytea, text),
    todo_auth.logout(),
    todo_auth.logout_everywhere(),
    todo_auth.change_password(bytea, text, bytea),
    todo_auth.delete_account(bytea)
TO todo_app;

REVOKE ALL ON users, tasks FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO todo_app;
-- Column grants: password_hash is never readable by a client.
GRANT SELECT (id, email, first_name, last_name, is_active, created_at, updated_at) ON users TO todo_app;
GRANT UPDATE (first_name, last_name) ON users TO todo_app;
GRANT SELECT ON tasks TO todo_app;
GRANT INSERT (id, title, description, completed, priority, due_date, created_at, completed_at) ON tasks TO todo_app;
GRANT UPDATE (title, description, completed, priority, due_date) ON tasks TO todo_app;
GRANT DELETE ON tasks TO todo_app;
-- So a client can tell an older or newer schema from its own, and refuse to write.
GRANT SELECT ON alembic_version TO todo_app;

-- A new task belongs to whoever is signed in; the client cannot even name another owner.
ALTER TABLE tasks ALTER COLUMN user_id SET DEFAULT todo_auth.current_user_id();

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;

-- (SELECT ...) makes the planner evaluate the session lookup once per statement, not per row.
CREATE POLICY users_own_row ON users TO todo_app
    USING (id = (SELECT todo_auth.current_user_id()))
    WITH CHECK (id = (SELECT todo_auth.current_user_id()));
CREATE POLICY tasks_own_rows ON tasks TO todo_app
    USING (user_id = (SELECT todo_auth.current_user_id()))
    WITH CHECK (user_id = (SELECT todo_auth.current_user_id()));

-- The owner (the role running this migration) also owns the SECURITY DEFINER functions;
-- FORCE would otherwise hide every row from them. Clients never connect as the owner.
CREATE POLICY owner_all ON users TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON tasks TO CURRENT_USER USING (true) WITH CHECK (true);
"""

DOWNGRADE = r"""
DROP POLICY owner_all ON tasks;
DROP POLICY owner_all ON users;
DROP POLICY tasks_own_rows ON tasks;
DROP POLICY users_own_row ON users;
ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY;
ALTER TABLE tasks DISABLE ROW LEVEL SECURITY;
ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE users DISABLE ROW LEVEL SECURITY;
ALTER TABLE tasks ALTER COLUMN user_id DROP DEFAULT;
REVOKE ALL ON users, tasks, alembic_version FROM todo_app;
REVOKE ALL ON SCHEMA public FROM todo_app;
DROP SCHEMA todo_auth CASCADE;
DO $do$
BEGIN
    -- Roles are shared by every database of the server; keep it while another uses it.
    DROP ROLE IF EXISTS todo_app;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'role todo_app is still used by another database; kept';
END
$do$;
"""


def upgrade() -> None:
    for block in (ROLE, TABLES, HELPERS, API, GRANTS):
        op.execute(block)


def downgrade() -> None:
    op.execute(DOWNGRADE)
