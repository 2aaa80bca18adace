"""a function API instead of tables, sign-in that cannot be rolled back, quotas, no temp objects

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

Clients (members of todo_app) lose every privilege on tables that hold user data. Row-level
security hides rows from results but not from EXPLAIN ("Rows Removed by Filter") or planner
statistics, so a client that can query a table can count, and by bisection read, other
people's data. They now read and write only through SECURITY DEFINER functions in schema
todo_api, owned by todo_api_owner: NOLOGIN, holding the table privileges, and itself
subject to the same policies. The sign-in steps of todo_auth stay owned by the migrating
role, since finding an account by email must look across people.

TEMPORARY on the database is revoked from PUBLIC: through a transaction pooler a server
connection is shared, and a temporary object left on it would shadow names for the next
client.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"


def _sql(name: str) -> str:
    return (_SQL / name).read_text(encoding="utf-8")


DEFINER_ROLE = r"""
DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'todo_api_owner') THEN
        CREATE ROLE todo_api_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
    END IF;
END
$do$;
-- To hand it the functions, the migrating role must be able to act as it.
GRANT todo_api_owner TO CURRENT_USER;
CREATE SCHEMA todo_api;
REVOKE ALL ON SCHEMA todo_api FROM PUBLIC;
GRANT USAGE ON SCHEMA todo_api TO todo_app, todo_api_owner;
GRANT CREATE ON SCHEMA todo_api TO todo_api_owner;  -- needed to own functions there; revoked below
"""

PRIVILEGES = r"""
REVOKE ALL ON public.users, public.tasks, public.task_counts, public.task_due_days FROM todo_app;
REVOKE ALL ON FUNCTION public.todo_count_open_due(uuid, timestamptz, timestamptz) FROM todo_app;

GRANT USAGE ON SCHEMA todo_auth TO todo_api_owner;
GRANT EXECUTE ON FUNCTION todo_auth.current_user_id() TO todo_api_owner;
GRANT SELECT (id, email, first_name, last_name, is_active, created_at, updated_at) ON public.users
    TO todo_api_owner;
GRANT UPDATE (first_name, last_name) ON public.users TO todo_api_owner;
GRANT SELECT, DELETE ON public.tasks TO todo_api_owner;
GRANT INSERT (id, user_id, title, description, completed, priority, due_date, created_at, completed_at)
    ON public.tasks TO todo_api_owner;
GRANT UPDATE (title, description, completed, priority, due_date) ON public.tasks TO todo_api_owner;
GRANT SELECT ON public.task_counts, public.task_due_days TO todo_api_owner;
GRANT EXECUTE ON FUNCTION public.todo_count_open_due(uuid, timestamptz, timestamptz) TO todo_api_owner;

ALTER POLICY users_own_row ON public.users TO todo_app, todo_api_owner;
ALTER POLICY tasks_own_rows ON public.tasks TO todo_app, todo_api_owner;
ALTER POLICY task_counts_own_row ON public.task_counts TO todo_app, todo_api_owner;
ALTER POLICY task_due_days_own_rows ON public.task_due_days TO todo_app, todo_api_owner;

DO $do$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = 'todo_api'::regnamespace LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO todo_api_owner', f);
    END LOOP;
END
$do$;
REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA todo_api FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA todo_api TO todo_app;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA todo_auth FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA todo_auth FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    todo_auth.current_user_id(),
    todo_auth.login_params(text),
    todo_auth.register(text, text, text, text, bytea),
    todo_auth.begin_login(text, bytea, text, text),
    todo_auth.finish_login(uuid),
    todo_auth.new_device_token(),
    todo_auth.logout(),
    todo_auth.logout_everywhere(),
    todo_auth.change_password(uuid, text, bytea),
    todo_auth.delete_account(uuid)
TO todo_app;

DO $do$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC, todo_app', current_database());
    IF has_database_privilege('todo_app', current_database(), 'TEMPORARY') THEN
        RAISE EXCEPTION 'clients can still create temporary objects in database %', current_database()
            USING HINT = 'Run the upgrade as the role that owns the database.';
    END IF;
END
$do$;
"""

DOWNGRADE = r"""
DO $do$
BEGIN
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
END
$do$;
DROP TRIGGER tasks_usage_insert ON public.tasks;
DROP TRIGGER tasks_usage_update ON public.tasks;
DROP TRIGGER tasks_usage_delete ON public.tasks;
DROP FUNCTION public.todo_task_usage_track();
ALTER TABLE public.task_counts DROP COLUMN text_bytes;

DROP SCHEMA todo_api CASCADE;
ALTER POLICY users_own_row ON public.users TO todo_app;
ALTER POLICY tasks_own_rows ON public.tasks TO todo_app;
ALTER POLICY task_counts_own_row ON public.task_counts TO todo_app;
ALTER POLICY task_due_days_own_rows ON public.task_due_days TO todo_app;
REVOKE ALL ON public.users, public.tasks, public.task_counts, public.task_due_days FROM todo_api_owner;
REVOKE ALL ON FUNCTION public.todo_count_open_due(uuid, timestamptz, timestamptz) FROM todo_api_owner;
REVOKE ALL ON FUNCTION todo_auth.current_user_id() FROM todo_api_owner;
REVOKE ALL ON SCHEMA todo_auth FROM todo_api_owner;

DROP FUNCTION todo_auth.begin_login(text, bytea, text, text);
DROP FUNCTION todo_auth.finish_login(uuid);
DROP FUNCTION todo_auth.change_password(uuid, text, bytea);
DROP FUNCTION todo_auth.delete_account(uuid);
DROP FUNCTION todo_auth.proven_user(uuid);
DROP FUNCTION todo_auth.answer_attempt(uuid);
DROP FUNCTION todo_auth.new_device_token();
DROP FUNCTION todo_auth.locked_until(bytea, bytea, bigint, timestamptz);
DROP FUNCTION todo_auth.prune();
DROP FUNCTION todo_auth.prune_some(integer);
DROP TABLE todo_auth.login_attempts;
DROP TABLE todo_auth.devices;
DROP INDEX todo_auth.audit_log_at_idx;
ALTER TABLE todo_auth.settings
    DROP COLUMN max_tasks_per_user,
    DROP COLUMN max_text_bytes_per_user,
    DROP COLUMN max_registrations_per_hour,
    DROP COLUMN attempt_retention,
    DROP COLUMN audit_retention;
CREATE TABLE todo_auth.login_throttle (
    email_hash BYTEA PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    last_failure_at TIMESTAMPTZ,
    locked_until TIMESTAMPTZ
);
"""

# Given back to clients on downgrade, as revisions 0002 and 0003 granted them.
DOWNGRADE_GRANTS = r"""
GRANT SELECT (id, email, first_name, last_name, is_active, created_at, updated_at) ON public.users TO todo_app;
GRANT UPDATE (first_name, last_name) ON public.users TO todo_app;
GRANT SELECT ON public.tasks TO todo_app;
GRANT INSERT (id, title, description, completed, priority, due_date, created_at, completed_at)
    ON public.tasks TO todo_app;
GRANT UPDATE (title, description, completed, priority, due_date) ON public.tasks TO todo_app;
GRANT DELETE ON public.tasks TO todo_app;
GRANT SELECT ON public.task_counts, public.task_due_days TO todo_app;
GRANT EXECUTE ON FUNCTION public.todo_count_open_due(uuid, timestamptz, timestamptz) TO todo_app;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA todo_auth FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA todo_auth FROM PUBLIC;
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
DO $do$
BEGIN
    -- Roles are shared by every database of the server; keep it while another uses it.
    REVOKE todo_api_owner FROM CURRENT_USER;
    DROP ROLE IF EXISTS todo_api_owner;
EXCEPTION WHEN dependent_objects_still_exist OR insufficient_privilege THEN
    RAISE NOTICE 'role todo_api_owner is still used elsewhere; kept';
END
$do$;
"""


def _revision_0002_functions() -> str:
    """Revision 0002's helpers and sign-in functions, as CREATE OR REPLACE: the downgrade
    puts back exactly the definitions that revision made, without a second copy here."""
    module = earlier_revision(__file__, "0002_security.py")
    return (module.HELPERS + module.API).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


def upgrade() -> None:
    op.execute(DEFINER_ROLE)
    op.execute(_sql("0004_sign_in.sql"))
    op.execute(_sql("0004_quotas.sql"))
    op.execute(_sql("0004_api.sql"))
    op.execute(PRIVILEGES)


def downgrade() -> None:
    op.execute(DOWNGRADE)
    op.execute(_revision_0002_functions())
    op.execute(DOWNGRADE_GRANTS)
