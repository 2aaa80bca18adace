-- Internal helpers of schema todo_auth (revision 0002). None is granted to todo_app.

CREATE FUNCTION todo_auth.email_hash(p_email text) RETURNS bytea
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT sha256(convert_to(lower(btrim(coalesce(p_email, ''))), 'UTF8'))
$$;

CREATE FUNCTION todo_auth.b64(p bytea) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT rtrim(translate(encode(p, 'base64'), E'\n', ''), '=')
$$;

-- The PHC prefix "$argon2id$v=19$m=..,t=..,p=..$salt" of a stored verifier.
CREATE FUNCTION todo_auth.params_of(p_hash text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT substring(p_hash FROM '^(\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+)\$')
$$;

CREATE FUNCTION todo_auth.verifier(p_params text, p_key bytea) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT p_params || '$' || todo_auth.b64(sha256(p_key))
$$;

-- Refuses malformed or weak parameters: below OWASP's minimum (m=19456 KiB, t=2) a
-- stolen verifier would be too cheap to attack.
CREATE FUNCTION todo_auth.check_params(p_params text, p_key bytea) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    parts text[];
BEGIN
    parts := regexp_match(coalesce(p_params, ''),
        '^\$argon2id\$v=19\$m=([0-9]{1,9}),t=([0-9]{1,4}),p=([0-9]{1,3})\$([A-Za-z0-9+/]{22,})$');
    IF parts IS NULL THEN
        RAISE EXCEPTION 'password parameters are malformed' USING ERRCODE = '22023';
    END IF;
    IF parts[1]::int < 19456 OR parts[2]::int < 2 OR parts[3]::int < 1 OR parts[3]::int > 255 THEN
        RAISE EXCEPTION 'password parameters are weaker than m=19456, t=2, p=1'
            USING ERRCODE = '22023';
    END IF;
    IF p_key IS NULL OR octet_length(p_key) <> 32 THEN
        RAISE EXCEPTION 'password key must be 32 bytes' USING ERRCODE = '22023';
    END IF;
END
$$;

CREATE FUNCTION todo_auth.audit(p_user uuid, p_event text, p_detail text DEFAULT NULL) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO todo_auth.audit_log (user_id, event, detail) VALUES (p_user, p_event, p_detail)
$$;

-- Counts one failure; from the tenth in a row the account locks for 60 s, doubling
-- with each further failure up to a day.
CREATE FUNCTION todo_auth.note_failure(p_email_hash bytea, p_user uuid) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    INSERT INTO todo_auth.login_throttle AS t (email_hash, failures, last_failure_at)
    VALUES (p_email_hash, 1, now())
    ON CONFLICT (email_hash) DO UPDATE
        SET failures = t.failures + 1, last_failure_at = now()
    RETURNING failures INTO n;
    IF n >= 10 THEN
        UPDATE todo_auth.login_throttle
           SET locked_until = now() + least(interval '60 seconds' * power(2, least(n - 10, 20)),
                                            interval '1 day')
         WHERE email_hash = p_email_hash;
        PERFORM todo_auth.audit(p_user, 'account_locked', n::text || ' failures');
    END IF;
END
$$;

CREATE FUNCTION todo_auth.is_locked(p_email_hash bytea) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT locked_until > now() FROM todo_auth.login_throttle
                      WHERE email_hash = p_email_hash), false)
$$;

CREATE FUNCTION todo_auth.key_matches(p_hash text, p_key bytea) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT p_key IS NOT NULL AND octet_length(p_key) = 32
       AND p_hash = todo_auth.verifier(todo_auth.params_of(p_hash), p_key)
$$;

CREATE FUNCTION todo_auth.new_session(p_user uuid, p_device text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    -- gen_random_uuid() draws from the server's strong random source: 244 random bits.
    token text := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
BEGIN
    -- Retention: a sign-in sweeps the account's sessions that ended a while ago.
    DELETE FROM todo_auth.sessions
     WHERE user_id = p_user
       AND (expires_at < now() - interval '1 day' OR revoked_at < now() - interval '30 days');
    INSERT INTO todo_auth.sessions (token_hash, user_id, device, expires_at)
    VALUES (sha256(convert_to(token, 'UTF8')), p_user, left(coalesce(p_device, ''), 200),
            now() + interval '90 days');
    RETURN token;
END
$$;
