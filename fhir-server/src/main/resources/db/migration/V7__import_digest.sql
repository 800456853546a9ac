-- What each $import line wrote, by content: the SHA-256 of the line as the importing system sent it, and the
-- version it became. A line the same organisation imports again is left out before HAPI sees it when its digest
-- is the same and the record is still at that version (no other write since, not deleted): a region's nightly
-- re-import of unchanged history costs a lookup per chunk, not a transaction per record.
create table import_digest (
    res_type      text   not null,
    res_id        text   not null,
    organisation  text   not null,
    digest        bytea  not null,
    res_ver       bigint not null,
    primary key (res_type, res_id)
);
