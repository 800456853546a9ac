-- Who cares for whom, derived from the record as it is written: a patient's registered GP practice, and
-- the organisations that pushed or are named on an encounter, episode of care or care team. A derived
-- index (like HAPI's search indexes), rewritten whenever its source resource changes.
create table care_relationship (
    resource      text        not null,   -- the record that shows it, e.g. Encounter/123
    organisation  text        not null,   -- ODS code
    patient_id    text        not null,
    basis         text        not null,   -- registered-gp | encounter | episode-of-care | care-team
    status        text,
    period_start  timestamptz,
    period_end    timestamptz,
    primary key (resource, organisation)
);

create index care_relationship_patient on care_relationship (patient_id, organisation);
