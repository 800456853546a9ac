-- Audit records written once per key however often the work that writes them runs: a bulk export records
-- each patient whose records go into it once (key: export and patient), though batch2 may run a chunk again
-- after a restart. Written in the statement that adds the record to the outbox, so neither is without the other.
create table audit_once (
    once_key text        primary key,
    created  timestamptz not null default now()
);
