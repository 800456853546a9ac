-- The lines of each chunk of a running $import, kept once. HAPI's batch2 passes a step's output to the next as a
-- stored unit of work, so a chunk whose type is written in a late tier had its lines stored and read again by
-- every tier before its own. The work passed on now names its chunk; the lines stay here until the job ends.
create table import_chunk (
    instance_id  text not null,
    chunk        text not null,
    ndjson       text not null,
    primary key (instance_id, chunk)
);
