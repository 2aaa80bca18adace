"""no statement of the functions is compiled to machine code

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

A server built with LLVM compiles any statement whose estimated cost passes jit_above_cost.
The functions price sequential scans out (enable_seqscan = off) to plan once for anyone, so a
one-row table read in the counters' trigger was priced at ten billion and every write spent
about 125 ms compiling what runs in microseconds. Every function with settings of its own now
also sets jit = off; the trigger functions' statements run under their caller's settings, and
their own. The downgrade takes the setting off again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The project's functions that carry settings (every SECURITY DEFINER one and the triggers'):
# they are never inlined, so one more setting changes nothing else about how they run.
_EACH = """
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname IN ('todo_api', 'todo_auth', 'public') AND p.prokind = 'f'
           AND p.proconfig IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
         ORDER BY 1
    LOOP
        EXECUTE format('ALTER FUNCTION %s %s', f, '{action}');
    END LOOP;
END
$$;
"""


def upgrade() -> None:
    op.execute(_EACH.replace("{action}", "SET jit = off"))


def downgrade() -> None:
    op.execute(_EACH.replace("{action}", "RESET jit"))
