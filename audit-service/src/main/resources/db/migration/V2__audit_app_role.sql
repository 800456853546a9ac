-- The application works as ${app_role}: it may append and read the trail, never change it.
-- (Flyway runs as the schema owner; the service's connections SET ROLE to ${app_role}, or log in as a
-- role that is a member of it and nothing else.)
do $$
begin
    if not exists (select 1 from pg_roles where rolname = '${app_role}') then
        create role ${app_role} nologin;
    end if;
end
$$;

revoke all on audit_event from public;
grant usage on schema public to ${app_role};
grant select, insert on audit_event to ${app_role};
grant usage on sequence audit_event_seq_seq to ${app_role};
