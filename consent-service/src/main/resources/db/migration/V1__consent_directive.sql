-- Patient directives as FHIR Consent resources. Every change is a new version: history is never lost.
create table consent_directive (
    id          text        not null,
    version     integer     not null,
    patient_id  text        not null,
    status      text        not null,
    resource    jsonb       not null,
    recorded_at timestamptz not null default now(),
    recorded_by text        not null,
    primary key (id, version)
);

create index consent_directive_patient on consent_directive (patient_id, id, version desc);
