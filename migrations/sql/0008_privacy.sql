-- Revision 0008, privacy: everything a person may take away about themselves, and deleting an
-- account with nothing left behind but a pseudonymous audit record.
--
-- The export reads the sign-in tables of todo_auth, so their owner-side guards come first:
-- todo_api_owner may read a few columns of them (never a token or key hash), and row-level
-- security binds it to the signed-in person's rows there too, as it does on the tasks. The
-- policies bind todo_api_owner alone: the sign-in functions belong to the tables' owner (RLS
-- is enabled, not forced), and they must look across people to find an account by email.

GRANT SELECT (user_id, device, created_at, expires_at, revoked_at) ON todo_auth.sessions TO todo_api_owner;
GRANT SELECT (user_id, created_at, last_used_at) ON todo_auth.devices TO todo_api_owner;
GRANT SELECT (seq, email_hash, user_id, device, at, outcome) ON todo_auth.login_attempts TO todo_api_owner;
GRANT SELECT (id, user_id, at, event, detail) ON todo_auth.audit_log TO todo_api_owner;
GRANT EXECUTE ON FUNCTION todo_auth.email_hash(text) TO todo_api_owner;

ALTER TABLE todo_auth.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE todo_auth.devices ENABLE ROW LEVEL SECURITY;
ALTER TABLE todo_auth.login_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE todo_auth.audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY sessions_own_rows ON todo_auth.sessions TO todo_api_owner
    USING (user_id = (SELECT todo_auth.current_user_id()));
CREATE POLICY devices_own_rows ON todo_auth.devices TO todo_api_owner
    USING (user_id = (SELECT todo_auth.current_user_id()));
CREATE POLICY login_attempts_own_rows ON todo_auth.login_attempts TO todo_api_owner
    USING (user_id = (SELECT todo_auth.current_user_id()));
CREATE POLICY audit_log_own_rows ON todo_auth.audit_log TO todo_api_owner
    USING (user_id = (SELECT todo_auth.current_user_id()));

-- Everything about the signed-in person but their tasks (todo_api.my_tasks pages those): the
-- account, tags, known devices, sessions, recent sign-in attempts on the account and its audit
-- events. No secret: tokens, device tokens and keys are stored only as hashes, and even those
-- stay out. Each list is bounded by housekeeping (50 devices, sessions swept at sign-in,
-- attempts kept 7 days and audit rows 90), so one json value is fine.
CREATE FUNCTION todo_api.my_data() RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
    mail text;
BEGIN
    SELECT u.email INTO mail FROM public.users u WHERE u.id = me;
    RETURN json_build_object(
        'account', (SELECT json_build_object('id', u.id, 'email', u.email, 'first_name', u.first_name,
                                             'last_name', u.last_name, 'is_active', u.is_active,
                                             'created_at', u.created_at, 'updated_at', u.updated_at)
                      FROM public.users u WHERE u.id = me),
        'tags', coalesce((SELECT json_agg(json_build_object('name', g.name, 'created_at', g.created_at)
                                          ORDER BY g.name_key)
                            FROM public.tags g WHERE g.user_id = me), '[]'::json),
        'devices', coalesce((SELECT json_agg(json_build_object('created_at', d.created_at,
                                                               'last_used_at', d.last_used_at)
                                             ORDER BY d.created_at)
                               FROM todo_auth.devices d WHERE d.user_id = me), '[]'::json),
        'sessions', coalesce((SELECT json_agg(json_build_object('device', s.device, 'created_at', s.created_at,
                                                                'expires_at', s.expires_at,
                                                                'revoked_at', s.revoked_at)
                                              ORDER BY s.created_at)
                                FROM todo_auth.sessions s WHERE s.user_id = me), '[]'::json),
        -- Found by the email's hash, which the attempts are indexed by; user_id keeps out the
        -- attempts made on this email before the account existed.
        'sign_in_attempts', coalesce((SELECT json_agg(json_build_object('at', a.at, 'device', a.device,
                                                                        'outcome', a.outcome)
                                                      ORDER BY a.seq)
                                        FROM todo_auth.login_attempts a
                                       WHERE a.email_hash = todo_auth.email_hash(mail) AND a.user_id = me),
                                     '[]'::json),
        'audit_events', coalesce((SELECT json_agg(json_build_object('at', l.at, 'event', l.event,
                                                                    'detail', l.detail)
                                                  ORDER BY l.at, l.id)
                                    FROM todo_auth.audit_log l WHERE l.user_id = me), '[]'::json));
END
$$;

-- The signed-in person's tasks, a page at a time, each as the json an export holds, in the
-- order of ix_tasks_keyset_created (person, completed, created, id): every page is one range
-- of that index, so the fiftieth page costs what the first does, and 100,000 tasks leave in
-- short transactions, a page each, instead of one long statement. Two statements, so the keyset's
-- row comparison is an index condition in the cached plan rather than a filter.
CREATE FUNCTION todo_api.my_tasks(p_after_completed boolean, p_after_created timestamptz, p_after_id uuid,
                                  p_limit integer)
RETURNS TABLE (id uuid, completed boolean, created_at timestamptz, task json)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_api.signed_in_user();
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 5000 THEN
        RAISE EXCEPTION 'page size must be 1 to 5000' USING ERRCODE = '22023';
    END IF;
    IF p_after_id IS NULL THEN
        RETURN QUERY
        SELECT t.id, t.completed, t.created_at, json_build_object(
                   'id', t.id, 'title', t.title, 'description', t.description, 'completed', t.completed,
                   'priority', t.priority, 'due_date', t.due_date, 'created_at', t.created_at,
                   'updated_at', t.updated_at, 'completed_at', t.completed_at, 'tags', t.tags,
                   'repeat_rule', t.repeat_rule, 'repeat_after_completion', t.repeat_after_completion)
          FROM public.tasks t
         WHERE t.user_id = me
         ORDER BY t.completed, t.created_at, t.id LIMIT p_limit;
    ELSE
        RETURN QUERY
        SELECT t.id, t.completed, t.created_at, json_build_object(
                   'id', t.id, 'title', t.title, 'description', t.description, 'completed', t.completed,
                   'priority', t.priority, 'due_date', t.due_date, 'created_at', t.created_at,
                   'updated_at', t.updated_at, 'completed_at', t.completed_at, 'tags', t.tags,
                   'repeat_rule', t.repeat_rule, 'repeat_after_completion', t.repeat_after_completion)
          FROM public.tasks t
         WHERE t.user_id = me
           AND (t.completed, t.created_at, t.id) > (p_after_completed, p_after_created, p_after_id)
         ORDER BY t.completed, t.created_at, t.id LIMIT p_limit;
    END IF;
END
$$;

-- A one-way name for a deleted account: keyed with the database's pepper, so it names the
-- account to whoever already holds both its id and this database, and to nobody else.
CREATE FUNCTION todo_auth.pseudonym(p_user uuid) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT 'subject ' || encode(sha256(s.pepper || uuid_send(p_user)), 'hex') FROM todo_auth.settings s
$$;

-- GDPR erasure. Proven as before (todo_auth.proven_user: an attempt of this account, made and
-- committed in an earlier transaction, answered here once, with the right key). The account
-- goes and, by ON DELETE CASCADE, its tasks, tags, task_tags, counters, sessions and known
-- devices. The tables that outlive accounts by design hold no foreign key, so they are cleared
-- here: the sign-in attempts on the email (its unsalted hash is as good as the email, and they
-- carry the account's id and device names) and the account's audit rows. What is left is one
-- audit record with no id and no email, only the pseudonym above.
CREATE OR REPLACE FUNCTION todo_auth.delete_account(attempt uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me uuid := todo_auth.proven_user(attempt);
    mail text;
BEGIN
    IF me IS NULL THEN
        RETURN false;
    END IF;
    DELETE FROM public.users WHERE id = me RETURNING email INTO mail;
    DELETE FROM todo_auth.login_attempts WHERE email_hash = todo_auth.email_hash(mail);
    DELETE FROM todo_auth.audit_log WHERE user_id = me;
    PERFORM todo_auth.audit(NULL, 'account_deleted', todo_auth.pseudonym(me));
    RETURN true;
END
$$;

ALTER FUNCTION todo_api.my_data() OWNER TO todo_api_owner;
ALTER FUNCTION todo_api.my_tasks(boolean, timestamptz, uuid, integer) OWNER TO todo_api_owner;
REVOKE ALL ON FUNCTION todo_api.my_data(), todo_api.my_tasks(boolean, timestamptz, uuid, integer),
    todo_auth.pseudonym(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION todo_api.my_data(), todo_api.my_tasks(boolean, timestamptz, uuid, integer)
    TO todo_app;
