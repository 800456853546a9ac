-- Break-glass: each override a user states for a patient, the window it covers, and its review. The
-- unreviewed ones are the privacy officer's queue.
create table break_glass (
    id            uuid        primary key,
    subject       text        not null,
    nhs_role      text,
    organisation  text,
    patient_id    text        not null,
    purpose       text        not null,
    reason        text        not null,
    decision_id   text        not null,
    granted_at    timestamptz not null default now(),
    expires_at    timestamptz not null
);
create index break_glass_active on break_glass (subject, patient_id, expires_at);
create index break_glass_granted on break_glass (granted_at);

create table break_glass_review (
    break_glass_id uuid        primary key references break_glass (id),
    reviewed_by    text        not null,
    outcome        text        not null check (outcome in ('appropriate', 'inappropriate', 'needs-follow-up')),
    note           text,
    reviewed_at    timestamptz not null default now()
);

-- Every decision, with the request and the steps that led to it, so a governance officer can ask
-- "why was this allowed?" of the decision id written in the audit record.
create table decision_log (
    decision_id  text        primary key,
    decided_at   timestamptz not null,
    subject      text,
    patient_id   text,
    decision     text        not null,
    policy       text,
    request      jsonb       not null,
    answer       jsonb       not null,
    steps        jsonb       not null
);
create index decision_log_patient on decision_log (patient_id, decided_at);
