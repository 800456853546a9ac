-- Verification picks up where the last intact run stopped: the last record it verified, and its hash (a record
-- changed before that point is found by a whole-chain run, which stays available).
alter table chain_verification add column verified_through_seq bigint;
alter table chain_verification add column verified_through_hash text;
alter table chain_verification add column whole_chain boolean not null default true;
