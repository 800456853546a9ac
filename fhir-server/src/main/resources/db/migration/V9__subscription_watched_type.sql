-- The type each Subscription's criteria name (Encounter for Encounter?class=IMP). A write of a type no stored
-- Subscription names is not queued for HAPI's matcher (UnwatchedWrites). Null: not known (a Subscription kept
-- before this column), and every write is queued.
alter table subscription_recipient add column watched_type text;
