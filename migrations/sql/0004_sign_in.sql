-- Sign-in that cannot be rolled back, device tokens, limits and housekeeping (revision 0004).
--
-- PostgreSQL has no autonomous transactions: whatever a function writes, its caller can
-- roll back. So an attempt is recorded by begin_login in a transaction the caller must
-- commit, and it is answered only by finish_login in a later one, once. A rolled-back
-- attempt was never answered; a committed one stays counted until it succeeds.

ALTER TABLE todo_auth.settings
    ADD COLUMN max_tasks_per_user INTEGER NOT NULL DEFAULT 200000 CHECK (max_tasks_per_user > 0),
    ADD COLUMN max_text_bytes_per_user BIGINT NOT NULL DEFAULT 104857600
        CHECK (max_text_bytes_per_user > 0),
    ADD COLUMN max_registrations_per_hour INTEGER NOT NULL DEFAULT 100
        CHECK (max_registrations_per_hour >= 0),
    ADD COLUMN attempt_retention INTERVAL NOT NULL DEFAULT interval '7 days',
    ADD COLUMN audit_retention INTERVAL NOT NULL DEFAULT interval '90 days';

-- Append-only: recording an attempt never waits on another session's row lock.
CREATE TABLE todo_auth.login_attempts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    email_hash BYTEA NOT NULL,
    -- sha256 of a device token this account issued; empty for every other device.
    device_hash BYTEA NOT NULL DEFAULT '\x',
    user_id UUID,  -- outlives the account it names, so no foreign key
    key_hash BYTEA,
    device VARCHAR(200) NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    created_xact XID8 NOT NULL DEFAULT pg_current_xact_id(),
    outcome TEXT CHECK (outcome IN ('ok', 'failed', 'locked'))
);
CREATE INDEX login_attempts_scope_idx ON todo_auth.login_attempts (email_hash, device_hash, seq);
CREATE INDEX login_attempts_at_idx ON todo_auth.login_attempts (at);

CREATE TABLE todo_auth.devices (
    token_hash BYTEA PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id UUID NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX devices_user_idx ON todo_auth.devices (user_id, last_used_at);

CREATE INDEX audit_log_at_idx ON todo_auth.audit_log (at);

DROP FUNCTION todo_auth.login(text, bytea, text);
DROP FUNCTION todo_auth.change_password(bytea, text, bytea);
DROP FUNCTION todo_auth.delete_account(bytea);
DROP FUNCTION todo_auth.note_failure(bytea, uuid);
DROP FUNCTION todo_auth.is_locked(bytea);
DROP TABLE todo_auth.login_throttle;

-- Absurd parameters are refused too: a hostile client could otherwise make every later
-- sign-in to that account exhaust the signing-in machine's memory.
CREATE OR REPLACE FUNCTION todo_auth.check_params(p_params text, p_key bytea) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    parts text[];
BEGIN
    parts := regexp_match(coalesce(p_params, ''),
        '^\$argon2id\$v=19\$m=([0-9]{1,9}),t=([0-9]{1,4}),p=([0-9]{1,3})\$([A-Za-z0-9+/]{22,88})$');
    IF parts IS NULL THEN
        RAISE EXCEPTION 'password parameters are malformed' USING ERRCODE = '22023';
    END IF;
    IF parts[1]::int < 19456 OR parts[2]::int < 2 OR parts[3]::int < 1 THEN
        RAISE EXCEPTION 'password parameters are weaker than m=19456, t=2, p=1'
            USING ERRCODE = '22023';
    END IF;
    IF parts[1]::int > 1048576 OR parts[2]::int > 20 OR parts[3]::int > 16 THEN
        RAISE EXCEPTION 'password parameters exceed m=1048576, t=20, p=16' USING ERRCODE = '22023';
    END IF;
    IF p_key IS NULL OR octet_length(p_key) <> 32 THEN
        RAISE EXCEPTION 'password key must be 32 bytes' USING ERRCODE = '22023';
    END IF;
END
$$;

-- Both answers are computed every time, so a known email costs what an unknown one does.
CREATE OR REPLACE FUNCTION todo_auth.login_params(email text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(k.params, f.params)
      FROM (SELECT (SELECT todo_auth.params_of(u.password_hash) FROM public.users u
                     WHERE lower(u.email) = lower(btrim(coalesce(login_params.email, '')))) AS params) k,
           (SELECT '$argon2id$v=19$m=65536,t=3,p=4$'
                   || todo_auth.b64(substring(sha256(s.pepper || todo_auth.email_hash(login_params.email))
                                              FROM 1 FOR 16)) AS params
              FROM todo_auth.settings s) f
$$;

-- Housekeeping, a little at a time: old attempts and audit rows, devices unused for a
-- year. SKIP LOCKED: a sign-in never waits for another one's clean-up.
CREATE FUNCTION todo_auth.prune_some(p_batch integer DEFAULT 100) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s todo_auth.settings%ROWTYPE;
    n integer;
    total integer := 0;
BEGIN
    SELECT * INTO s FROM todo_auth.settings;
    DELETE FROM todo_auth.login_attempts WHERE id IN (
        SELECT id FROM todo_auth.login_attempts WHERE at < now() - s.attempt_retention
         ORDER BY at LIMIT p_batch FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
    DELETE FROM todo_auth.audit_log WHERE id IN (
        SELECT id FROM todo_auth.audit_log WHERE at < now() - s.audit_retention
         ORDER BY at LIMIT p_batch FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
    DELETE FROM todo_auth.devices WHERE token_hash IN (
        SELECT token_hash FROM todo_auth.devices WHERE last_used_at < now() - interval '1 year'
         LIMIT p_batch FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN total + n;
END
$$;

-- Everything past retention, for an admin; returns how many rows went.
CREATE FUNCTION todo_auth.prune() RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n integer;
    total integer := 0;
BEGIN
    LOOP
        n := todo_auth.prune_some(10000);
        total := total + n;
        EXIT WHEN n = 0;
    END LOOP;
    DELETE FROM todo_auth.sessions WHERE expires_at < now() - interval '1 day'
                                      OR revoked_at < now() - interval '30 days';
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN total + n;
END
$$;

-- When sign-in for one scope (an account on unknown devices, or one known device of it)
-- opens again, judged from the attempts before p_before; NULL when it is open now.
-- Failures in a row since the scope's last success count 1 each for 15 minutes, then
-- halve every hour, so an attacker's old burst fades instead of locking the owner out
-- for good. From 10 the scope locks for 60 s after the newest, doubling with each more,
-- up to a day. Attempts refused by a lock do not count: they were never compared.
CREATE FUNCTION todo_auth.locked_until(p_email_hash bytea, p_device_hash bytea, p_before bigint,
                                       p_at timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH recent AS (
        SELECT a.seq, a.at, a.outcome FROM todo_auth.login_attempts a
         WHERE a.email_hash = p_email_hash AND a.device_hash = p_device_hash AND a.seq < p_before
         ORDER BY a.seq DESC LIMIT 64
    ), failing AS (
        SELECT r.at FROM recent r
         WHERE r.seq > coalesce((SELECT max(o.seq) FROM recent o WHERE o.outcome = 'ok'), 0)
           AND r.outcome IS DISTINCT FROM 'locked'
    ), n AS (
        SELECT round(sum(power(0.5, greatest(extract(epoch FROM p_at - f.at) - 900, 0) / 3600.0)))::int
                   AS failures,
               max(f.at) AS newest
          FROM failing f
    )
    SELECT n.newest + least(interval '60 seconds' * power(2, least(n.failures - 10, 20)), interval '1 day')
      FROM n
     WHERE n.failures >= 10
$$;

-- Step one: record the attempt. Never raises for a wrong email or key; the caller commits.
CREATE FUNCTION todo_auth.begin_login(email text, password_key bytea, device text,
                                      device_token text DEFAULT NULL) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h bytea := todo_auth.email_hash(email);
    uid uuid;
    known bytea;
    made record;
BEGIN
    SELECT u.id INTO uid FROM public.users u
     WHERE lower(u.email) = lower(btrim(coalesce(begin_login.email, '')));
    IF uid IS NOT NULL AND coalesce(device_token, '') <> '' THEN
        SELECT d.token_hash INTO known FROM todo_auth.devices d
         WHERE d.token_hash = sha256(convert_to(device_token, 'UTF8')) AND d.user_id = uid;
    END IF;
    INSERT INTO todo_auth.login_attempts (email_hash, device_hash, user_id, key_hash, device)
    VALUES (h, coalesce(known, '\x'::bytea), uid,
            CASE WHEN octet_length(password_key) = 32 THEN sha256(password_key) END,
            left(coalesce(begin_login.device, ''), 200))
    RETURNING id, seq, at, device_hash INTO made;
    IF todo_auth.locked_until(h, made.device_hash, made.seq, made.at) > made.at THEN
        UPDATE todo_auth.login_attempts SET outcome = 'locked' WHERE id = made.id;
    END IF;
    PERFORM todo_auth.prune_some();
    RETURN made.id;
END
$$;

-- Answers a committed attempt once: the account's id when its key matched, else NULL.
-- FOR UPDATE SKIP LOCKED: a second answer racing the first gets NULL instead of waiting.
CREATE FUNCTION todo_auth.answer_attempt(p_attempt uuid) RETURNS uuid
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a todo_auth.login_attempts%ROWTYPE;
    stored text;
    active boolean;
BEGIN
    SELECT * INTO a FROM todo_auth.login_attempts WHERE id = p_attempt FOR UPDATE SKIP LOCKED;
    IF NOT FOUND OR a.outcome IS NOT NULL OR a.at < clock_timestamp() - interval '2 minutes'
       OR pg_xact_status(a.created_xact) IS DISTINCT FROM 'committed' THEN
        RETURN NULL;
    END IF;
    -- Again now that attempts made in parallel with this one have committed.
    IF todo_auth.locked_until(a.email_hash, a.device_hash, a.seq, a.at) > a.at THEN
        UPDATE todo_auth.login_attempts SET outcome = 'locked' WHERE id = a.id;
        RETURN NULL;
    END IF;
    SELECT u.password_hash, u.is_active INTO stored, active FROM public.users u WHERE u.id = a.user_id;
    IF NOT coalesce(active, false) OR a.key_hash IS NULL
       OR stored IS DISTINCT FROM todo_auth.params_of(stored) || '$' || todo_auth.b64(a.key_hash) THEN
        UPDATE todo_auth.login_attempts SET outcome = 'failed' WHERE id = a.id;
        PERFORM todo_auth.audit(a.user_id, 'login_failed');
        RETURN NULL;
    END IF;
    UPDATE todo_auth.login_attempts SET outcome = 'ok' WHERE id = a.id;
    IF a.device_hash <> '\x'::bytea THEN
        UPDATE todo_auth.devices SET last_used_at = now() WHERE token_hash IN (
            SELECT token_hash FROM todo_auth.devices WHERE token_hash = a.device_hash
               FOR UPDATE SKIP LOCKED);
    END IF;
    RETURN a.user_id;
END
$$;

-- Step two, in a later transaction: a session token, or NULL. Never raises.
CREATE FUNCTION todo_auth.finish_login(attempt uuid) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    uid uuid := todo_auth.answer_attempt(attempt);
BEGIN
    IF uid IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM todo_auth.audit(uid, 'login');
    RETURN todo_auth.new_session(uid, (SELECT a.device FROM todo_auth.login_attempts a WHERE a.id = attempt));
END
$$;

CREATE FUNCTION todo_auth.new_device_token() RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_auth.current_user_id();
    token text := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
BEGIN
    IF me IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO todo_auth.devices (token_hash, user_id) VALUES (sha256(convert_to(token, 'UTF8')), me);
    -- At most 50 known devices per account; the longest unused go first.
    DELETE FROM todo_auth.devices WHERE token_hash IN (
        SELECT token_hash FROM todo_auth.devices WHERE user_id = me
         ORDER BY last_used_at DESC, created_at DESC OFFSET 50 FOR UPDATE SKIP LOCKED);
    RETURN token;
END
$$;

-- The signed-in person, when the committed attempt p_attempt (begin_login) proves their
-- password; else NULL. A password proven this way, like a sign-in, cannot have its failed
-- guesses rolled back.
CREATE FUNCTION todo_auth.proven_user(p_attempt uuid) RETURNS uuid
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_auth.current_user_id();
BEGIN
    IF me IS NULL OR todo_auth.answer_attempt(p_attempt) IS DISTINCT FROM me THEN
        RETURN NULL;
    END IF;
    RETURN me;
END
$$;

CREATE FUNCTION todo_auth.change_password(attempt uuid, new_params text, new_key bytea) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_auth.proven_user(attempt);
BEGIN
    IF me IS NULL THEN
        RETURN false;
    END IF;
    PERFORM todo_auth.check_params(new_params, new_key);
    UPDATE public.users SET password_hash = todo_auth.verifier(new_params, new_key) WHERE id = me;
    UPDATE todo_auth.sessions SET revoked_at = now()
     WHERE user_id = me AND revoked_at IS NULL
       AND token_hash <> sha256(convert_to(current_setting('todo.session_token', true), 'UTF8'));
    PERFORM todo_auth.audit(me, 'password_changed');
    RETURN true;
END
$$;

-- GDPR erasure: the account, its tasks, sessions and devices go (ON DELETE CASCADE).
CREATE FUNCTION todo_auth.delete_account(attempt uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_auth.proven_user(attempt);
BEGIN
    IF me IS NULL THEN
        RETURN false;
    END IF;
    DELETE FROM public.users WHERE id = me;
    PERFORM todo_auth.audit(me, 'account_deleted');
    RETURN true;
END
$$;

-- Registration: limited per hour for the whole database, and an email already taken is
-- refused without echoing the stored row's key.
CREATE OR REPLACE FUNCTION todo_auth.register(email text, first_name text, last_name text,
                                              password_params text, password_key bytea) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    new_id uuid;
    allowed integer := (SELECT s.max_registrations_per_hour FROM todo_auth.settings s);
BEGIN
    PERFORM todo_auth.check_params(password_params, password_key);
    IF (SELECT count(*) FROM (SELECT 1 FROM public.users u WHERE u.created_at > now() - interval '1 hour'
                               LIMIT allowed) recent) >= allowed THEN
        RAISE EXCEPTION 'too many accounts were registered in the last hour' USING ERRCODE = 'TDQ03';
    END IF;
    BEGIN
        INSERT INTO public.users (email, first_name, last_name, password_hash)
        VALUES (btrim(email), btrim(first_name), btrim(coalesce(last_name, '')),
                todo_auth.verifier(password_params, password_key))
        RETURNING id INTO new_id;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'an account with this email already exists'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'users_email_lower_key';
    END;
    PERFORM todo_auth.audit(new_id, 'registered');
    PERFORM todo_auth.prune_some();
    RETURN new_id;
END
$$;
