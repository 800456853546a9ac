-- Who ran each search HAPI keeps for paging: a paging link (?_getpages=<search id>) answers only to the
-- identity that ran the search (SearchOwners). Rows outlive HAPI's own expiry of the search, then go.
create table search_owner (
    search_uuid   text        primary key,
    owner_digest  text        not null,   -- SHA-256 of the token's identity: subject, client, role, org, scopes
    patient_id    text,                   -- the one patient the search was aimed at, if any
    resource_type text,
    created       timestamptz not null default now()
);

create index search_owner_created on search_owner (created);
