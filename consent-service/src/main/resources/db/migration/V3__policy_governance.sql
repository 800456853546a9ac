-- The role policy under governance: each version ever in force after the shipped file (approved proposals and
-- restores), and the proposals a governance officer made, their what-if replay and the decision on them.
create table policy_version (
    seq          bigserial   primary key,
    version      text        not null unique,
    policy       jsonb       not null,
    source       text        not null check (source in ('proposal', 'restore')),
    proposal_id  uuid,
    approved_by  text        not null,
    approved_at  timestamptz not null default now(),
    note         text
);

create table policy_proposal (
    id             uuid        primary key,
    title          text        not null,
    rationale      text,
    proposed_by    text        not null,
    proposed_at    timestamptz not null default now(),
    base_version   text        not null,
    policy         jsonb       not null,
    status         text        not null default 'proposed' check (status in ('proposed', 'approved', 'rejected')),
    decided_by     text,
    decided_at     timestamptz,
    decision_note  text,
    simulation     jsonb,
    simulated_at   timestamptz
);
create index policy_proposal_status on policy_proposal (status, proposed_at);
create index decision_log_decided on decision_log (decided_at);
