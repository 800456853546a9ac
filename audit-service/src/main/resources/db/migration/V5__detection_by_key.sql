-- Unusual-access detection at a cost that does not grow with a user's activity (issue 16).
--
-- The rules read two flags of each record (a relationship the user stated; a break-glass reason): they were
-- found by searching every record's text (strpos), now they are kept as the record arrives. Records stored
-- before this version have neither (null) and are still read from their text.
alter table audit_event add column stated_relationship boolean, add column broke_glass boolean;

-- The counting rules read only what they count, by user and time: refusals, and break-glass (flagged, or
-- not yet flagged because stored before this version). A busy user's ordinary views are no longer read.
create index audit_event_user_refused on audit_event (user_id, recorded) where outcome <> '0';
create index audit_event_user_broke_glass on audit_event (user_id, recorded) where broke_glass;
create index audit_event_user_unflagged on audit_event (user_id, recorded) where broke_glass is null;

-- "Many different patients in a window": each user's patients with the newest view of each, kept as records
-- are judged; the count is read by key, so it costs the number of patients, not the number of views. Rows
-- older than every window are pruned as detection goes.
create table alert_user_patient (
    user_id    text        not null,
    patient_id text        not null,
    last_seen  timestamptz not null,
    last_event text        not null,
    primary key (user_id, patient_id)
);
create index alert_user_patient_window on alert_user_patient (user_id, last_seen);
create index alert_user_patient_age on alert_user_patient (last_seen);

grant select, insert, update, delete on alert_user_patient to ${app_role};
