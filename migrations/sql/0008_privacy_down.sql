-- Undoes sql/0008_privacy.sql. Audit rows and sign-in attempts already erased stay erased.

DROP FUNCTION todo_api.my_data();
DROP FUNCTION todo_api.my_tasks(boolean, timestamptz, uuid, integer);

-- delete_account as revision 0004 made it (sql/0004_sign_in.sql).
CREATE OR REPLACE FUNCTION todo_auth.delete_account(attempt uuid) RETURNS boolean
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
DROP FUNCTION todo_auth.pseudonym(uuid);

DROP POLICY sessions_own_rows ON todo_auth.sessions;
DROP POLICY devices_own_rows ON todo_auth.devices;
DROP POLICY login_attempts_own_rows ON todo_auth.login_attempts;
DROP POLICY audit_log_own_rows ON todo_auth.audit_log;
ALTER TABLE todo_auth.sessions DISABLE ROW LEVEL SECURITY;
ALTER TABLE todo_auth.devices DISABLE ROW LEVEL SECURITY;
ALTER TABLE todo_auth.login_attempts DISABLE ROW LEVEL SECURITY;
ALTER TABLE todo_auth.audit_log DISABLE ROW LEVEL SECURITY;

REVOKE ALL ON todo_auth.sessions, todo_auth.devices, todo_auth.login_attempts, todo_auth.audit_log
    FROM todo_api_owner;
REVOKE ALL ON FUNCTION todo_auth.email_hash(text) FROM todo_api_owner;
