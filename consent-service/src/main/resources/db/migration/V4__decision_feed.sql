-- The decision-change feed every fhir-server's decision cache follows, shared by every consent-service replica:
-- one row says where the feed is (its epoch, the latest change's number), one row per change names the patient,
-- and each follower's acknowledgement is kept so that a write can wait until every live follower has evicted.
-- Changes are numbered under the feed row's lock, inside the writing transaction: numbers follow commit order.
create table decision_feed (
    id      boolean primary key default true check (id),
    epoch   text    not null,
    latest  bigint  not null
);
insert into decision_feed (id, epoch, latest) values (true, md5(random()::text || clock_timestamp()::text), 0);

create table decision_change (
    seq         bigint      primary key,
    patient_id  text        not null,
    changed_at  timestamptz not null default now()
);

create table decision_follower (
    follower   text        primary key,
    acked_seq  bigint      not null,
    polling    boolean     not null,
    seen_at    timestamptz not null
);
