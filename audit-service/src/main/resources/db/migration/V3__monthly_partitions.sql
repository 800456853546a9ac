-- The trail, partitioned by the month it was received, so retention drops a whole month (a cheap DDL step
-- run by the owner) instead of deleting rows, which the append-only rules forbid.
--
-- A partitioned table cannot hold a unique key without the partition key, so de-duplication by event id
-- moves to audit_event_id; and PostgreSQL before 17 has no identity columns on partitioned tables, so seq
-- comes from a plain sequence. received_at is taken from the clock at insert time: the ledger inserts
-- under its chain lock, so seq order and received_at order agree and a month boundary never splits the
-- chain out of order.

create sequence audit_event_seq_v3 as bigint;

alter table audit_event rename to audit_event_v1;
alter index audit_event_patient rename to audit_event_v1_patient;
alter index audit_event_recorded rename to audit_event_v1_recorded;
alter index audit_event_user rename to audit_event_v1_user;

create table audit_event (
    seq          bigint      not null default nextval('audit_event_seq_v3'),
    event_id     text        not null,
    recorded     timestamptz not null,
    received_at  timestamptz not null default clock_timestamp(),
    action       text,
    outcome      text        not null,
    user_id      text,
    user_role    text,
    organisation text,
    purpose      text,
    patient_ids  text[]      not null default '{}',
    resource     text        not null,
    prev_hash    text        not null,
    hash         text        not null,
    primary key (seq, received_at)
) partition by range (received_at);

alter sequence audit_event_seq_v3 owned by audit_event.seq;

-- Rows whose month has no partition yet land here rather than being refused; the maintenance job creates
-- months ahead of time, so this normally stays empty.
create table audit_event_default partition of audit_event default;

create index audit_event_patient on audit_event using gin (patient_ids);
create index audit_event_recorded on audit_event (recorded);
create index audit_event_user on audit_event (user_id, recorded);

-- Row triggers on a partitioned table are cloned onto every partition, present and future.
create trigger audit_event_append_only
    before update or delete on audit_event
    for each row execute function audit_event_refuse_change();
create trigger audit_event_no_truncate
    before truncate on audit_event
    for each statement execute function audit_event_refuse_change();
create trigger audit_event_no_truncate
    before truncate on audit_event_default
    for each statement execute function audit_event_refuse_change();

-- Every event id ever stored: the global de-duplication key (delivery is at least once).
create table audit_event_id (
    event_id text primary key
);

-- When retention drops a month, the last record dropped is anchored here so the chain of what remains
-- still verifies from a known hash rather than from genesis.
create table audit_chain_anchor (
    anchored_at     timestamptz not null default now(),
    partition_name  text        not null,
    dropped_records bigint      not null,
    last_seq        bigint      not null primary key,
    last_hash       text        not null
);
create trigger audit_chain_anchor_append_only
    before update or delete on audit_chain_anchor
    for each row execute function audit_event_refuse_change();
create trigger audit_chain_anchor_no_truncate
    before truncate on audit_chain_anchor
    for each statement execute function audit_event_refuse_change();

-- Creates the partition for the month holding the given day (UTC), if missing; returns its name.
create function audit_ensure_partition(day date) returns text language plpgsql as $$
declare
    first_day date := date_trunc('month', day)::date;
    name text := 'audit_event_' || to_char(first_day, 'YYYY_MM');
begin
    if to_regclass(name) is null then
        execute format('create table %I partition of audit_event for values from (%L) to (%L)', name,
                       first_day::text || ' 00:00:00+00', (first_day + interval '1 month')::date::text || ' 00:00:00+00');
        execute format('create trigger audit_event_no_truncate before truncate on %I '
                       'for each statement execute function audit_event_refuse_change()', name);
    end if;
    return name;
end
$$;

-- Drops every month that ended at or before the cutoff: anchors the chain at the month's last record,
-- forgets its event ids, drops the partition. One row per month dropped.
create function audit_drop_months_before(cutoff timestamptz)
    returns table (partition_name text, dropped_records bigint, last_seq bigint)
    language plpgsql as $$
declare
    month record;
    n bigint;
    s bigint;
    h text;
begin
    for month in
        select c.relname::text as name
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'audit_event'::regclass and c.relname ~ '^audit_event_[0-9]{4}_[0-9]{2}$'
          and (to_date(substring(c.relname from 13), 'YYYY_MM') + interval '1 month')::timestamp at time zone 'UTC' <= cutoff
        order by c.relname
    loop
        execute format('select count(*), max(seq) from %I', month.name) into n, s;
        if n > 0 then
            execute format('select hash from %I where seq = $1', month.name) into h using s;
            insert into audit_chain_anchor (partition_name, dropped_records, last_seq, last_hash)
                values (month.name, n, s, h);
            execute format('delete from audit_event_id i using %I p where i.event_id = p.event_id', month.name);
        end if;
        execute format('drop table %I', month.name);
        partition_name := month.name;
        dropped_records := n;
        last_seq := s;
        return next;
    end loop;
end
$$;

revoke all on function audit_ensure_partition(date) from public;
revoke all on function audit_drop_months_before(timestamptz) from public;

-- Months for what is already stored, this month and the next two.
select audit_ensure_partition(m::date)
from generate_series(
        date_trunc('month', least(coalesce((select min(received_at) from audit_event_v1), now()), now()) at time zone 'UTC'),
        date_trunc('month', now() at time zone 'UTC') + interval '2 months',
        interval '1 month') as m;

insert into audit_event (seq, event_id, recorded, received_at, action, outcome, user_id, user_role, organisation,
                         purpose, patient_ids, resource, prev_hash, hash)
select seq, event_id, recorded, received_at, action, outcome, user_id, user_role, organisation,
       purpose, patient_ids, resource, prev_hash, hash
from audit_event_v1 order by seq;
insert into audit_event_id (event_id) select event_id from audit_event_v1;
select setval('audit_event_seq_v3', coalesce((select max(seq) from audit_event_v1), 0) + 1, false);

drop table audit_event_v1;

revoke all on audit_event, audit_event_id, audit_chain_anchor from public;
grant select, insert on audit_event to ${app_role};
grant select, insert on audit_event_id to ${app_role};
grant select on audit_chain_anchor to ${app_role};
grant usage on sequence audit_event_seq_v3 to ${app_role};
