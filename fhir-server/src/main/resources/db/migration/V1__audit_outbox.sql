-- Audit records written in the request, before the response leaves; drained by the relay.
-- (HAPI owns its own tables in the public schema; this schema is ours.)
create table audit_outbox (
    id           uuid primary key,
    created_at   timestamptz not null default now(),
    payload      jsonb       not null,
    delivered_at timestamptz
);

create index audit_outbox_pending on audit_outbox (created_at) where delivered_at is null;
