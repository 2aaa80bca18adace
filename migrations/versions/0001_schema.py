"""users and tasks, as the specification defines them, plus what the app needs on top

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Deviations from the specification, each a strengthening:
- email is unique case-insensitively (users_email_lower_key) besides the plain UNIQUE.
- priority is NOT NULL with its default, as the specification's own migration example has it.
- updated_at is kept by a trigger, and strictly increases on every change so that it can
  serve as a row version for conflict detection.
- completed_at and priority_rank are added; priority_rank lets "urgent first" use an index.
- CHECK constraints repeat the client's input rules (blank titles, description length,
  due dates outside years 1900 to 9998, email shape).

Indexes: every specification index is served. idx_users_email is served by the UNIQUE
constraint's own index on (email), and idx_tasks_user_id by idx_tasks_user_completed whose
leading column is user_id; creating them again would only slow writes. The ix_tasks_keyset_*
indexes lead with (user_id, completed) and end with id, so each list order pages by keyset
through one index range, whatever the list's size.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


UPGRADE = r"""
CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email VARCHAR(255) UNIQUE NOT NULL,
    first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL,
    password_hash TEXT NOT NULL,
    is_active BOOLEAN DEFAULT TRUE NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT users_email_shape
        CHECK (email = btrim(email) AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    CONSTRAINT users_first_name_not_blank CHECK (btrim(first_name) <> ''),
    CONSTRAINT users_password_hash_shape CHECK (
        password_hash ~ '^\$argon2id\$v=19\$m=[0-9]{1,9},t=[0-9]{1,4},p=[0-9]{1,3}\$[A-Za-z0-9+/]{22,}\$[A-Za-z0-9+/]{43}$'
    )
);
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX idx_users_created_at ON users (created_at);
CREATE INDEX idx_users_updated_at ON users (updated_at);

CREATE TABLE tasks (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title VARCHAR(255) NOT NULL,
    description TEXT,
    completed BOOLEAN DEFAULT FALSE NOT NULL,
    priority VARCHAR(20) DEFAULT 'medium' NOT NULL
        CONSTRAINT tasks_priority_check CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    due_date TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    completed_at TIMESTAMP WITH TIME ZONE,
    priority_rank SMALLINT NOT NULL GENERATED ALWAYS AS (
        CASE priority WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 4 END
    ) STORED,
    CONSTRAINT tasks_title_not_blank CHECK (btrim(title) <> ''),
    CONSTRAINT tasks_description_length CHECK (char_length(description) <= 10000),
    CONSTRAINT tasks_due_date_range
        CHECK (due_date >= '1900-01-01 00:00:00+00' AND due_date < '9999-01-01 00:00:00+00')
);

CREATE INDEX idx_tasks_completed ON tasks (completed);
CREATE INDEX idx_tasks_priority ON tasks (priority);
CREATE INDEX idx_tasks_due_date ON tasks (due_date);
CREATE INDEX idx_tasks_created_at ON tasks (created_at);
CREATE INDEX idx_tasks_updated_at ON tasks (updated_at);
CREATE INDEX idx_tasks_user_completed ON tasks (user_id, completed);

CREATE INDEX ix_tasks_keyset_due ON tasks (user_id, completed, due_date, id);
CREATE INDEX ix_tasks_keyset_priority ON tasks (user_id, completed, priority_rank, created_at, id);
CREATE INDEX ix_tasks_keyset_created ON tasks (user_id, completed, created_at, id);
CREATE INDEX ix_tasks_keyset_updated ON tasks (user_id, completed, updated_at, id);
CREATE INDEX ix_tasks_keyset_title ON tasks (user_id, completed, lower(title), id);

-- Strictly increasing per row, so two edits in one microsecond still differ as versions.
CREATE FUNCTION todo_touch_row() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
        NEW.created_at := OLD.created_at;
        NEW.updated_at := greatest(clock_timestamp(), OLD.updated_at + interval '1 microsecond');
    ELSIF NEW.created_at <> transaction_timestamp() THEN
        -- An undone delete brings its original created_at back; the row changes now.
        NEW.updated_at := greatest(clock_timestamp(), NEW.created_at);
    ELSE
        NEW.updated_at := NEW.created_at;
    END IF;
    IF TG_TABLE_NAME = 'tasks' THEN
        IF NOT NEW.completed THEN
            NEW.completed_at := NULL;
        ELSIF TG_OP = 'INSERT' THEN
            NEW.completed_at := least(coalesce(NEW.completed_at, NEW.updated_at), NEW.updated_at);
        ELSIF NOT OLD.completed THEN
            NEW.completed_at := NEW.updated_at;
        ELSE
            NEW.completed_at := OLD.completed_at;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION todo_touch_row() FROM PUBLIC;

CREATE TRIGGER users_touch BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION todo_touch_row();
CREATE TRIGGER tasks_touch BEFORE INSERT OR UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION todo_touch_row();
"""

DOWNGRADE = """
DROP TABLE tasks;
DROP TABLE users;
DROP FUNCTION todo_touch_row();
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
