-- What the governance console keeps beside the trail: unusual-access alerts computed from the trail as it
-- arrives, how far that computation has read, and the chain verifications run (by whom, with what result).
-- None of it is the trail: alerts change status as officers work them, so they live outside the
-- append-only tables.

create table access_alert (
    id            bigint generated always as identity primary key,
    rule          text        not null,
    -- one alert per rule, user and patient (or none) and period: later matching records join it
    dedupe_key    text        not null unique,
    user_id       text        not null,
    user_role     text,
    organisation  text,
    patient_id    text,
    summary       text        not null,
    event_ids     text[]      not null,
    first_seen    timestamptz not null,
    last_seen     timestamptz not null,
    raised_at     timestamptz not null default now(),
    status        text        not null default 'open' check (status in ('open', 'closed')),
    closed_by     text,
    closed_note   text
);
create index access_alert_open on access_alert (status, last_seen desc);

-- The detector's position in the trail (seq of the last record it judged): one row.
create table access_alert_cursor (
    id       int    primary key check (id = 1),
    last_seq bigint not null
);
insert into access_alert_cursor (id, last_seq) values (1, 0);

create table chain_verification (
    id               bigint generated always as identity primary key,
    run_at           timestamptz not null default now(),
    run_by           text        not null,
    intact           boolean     not null,
    records_checked  bigint      not null,
    first_broken_seq bigint,
    first_broken_id  text,
    anchored_after   bigint,
    millis           bigint      not null
);

grant select, insert, update on access_alert to ${app_role};
grant select, update on access_alert_cursor to ${app_role};
grant select, insert on chain_verification to ${app_role};

-- The console opens a record by event id (its detail page, the records behind an alert).
create index audit_event_event_id on audit_event (event_id);
