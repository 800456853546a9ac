-- The audit trail. Rows are only ever appended: each carries the SHA-256 of its own canonical text
-- chained to its predecessor's hash, so an edited or removed row breaks the chain at that point.
create table audit_event (
    seq          bigint generated always as identity primary key,
    event_id     text        not null unique,
    recorded     timestamptz not null,
    received_at  timestamptz not null default now(),
    action       text,
    outcome      text        not null,
    user_id      text,
    user_role    text,
    organisation text,
    purpose      text,
    patient_ids  text[]      not null default '{}',
    resource     text        not null,
    prev_hash    text        not null,
    hash         text        not null
);

create index audit_event_patient on audit_event using gin (patient_ids);
create index audit_event_recorded on audit_event (recorded);
create index audit_event_user on audit_event (user_id, recorded);

create function audit_event_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only: % refused', tg_op;
end;
$$;

create trigger audit_event_append_only
    before update or delete on audit_event
    for each row execute function audit_event_refuse_change();

create trigger audit_event_no_truncate
    before truncate on audit_event
    for each statement execute function audit_event_refuse_change();
