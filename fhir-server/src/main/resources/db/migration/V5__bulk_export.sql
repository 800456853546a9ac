-- Who asked for each bulk export ($export): HAPI's job keeps its parameters, we keep the requester (the token's
-- claims without its times), so that every record is decided for that system's organisation as the job runs,
-- after a restart too, and only that client may poll, cancel or download. Job and files expire together (HAPI's
-- retention); these rows go with them.
create table bulk_export (
    export_id  uuid        primary key,   -- also each output file's Binary.securityContext.identifier
    client_id  text        not null,
    claims     jsonb       not null,
    requested  timestamptz not null default now()
);

create index bulk_export_requested on bulk_export (requested);
