-- Subscriptions (rest-hook) of care providers' systems. HAPI matches each committed write against them; a match
-- becomes a row of notification_outbox, delivered by NotificationRelay with retries and back-off (rows survive a
-- restart). Each notification is decided for, and audited as a disclosure to, the system that subscribed: its
-- token's claims (without times) are kept here when it writes the Subscription.
create table subscription_recipient (
    subscription_id text        primary key,   -- the Subscription's logical id
    client_id       text        not null,
    claims          jsonb       not null,
    content         text        not null,      -- id-only | full-resource (Subscriptions Backport IG payload content)
    updated         timestamptz not null default now()
);

create table notification_outbox (
    id              uuid        primary key,
    seq             bigint      generated always as identity,
    subscription_id text        not null,
    focus           text        not null,      -- versioned id of the record written: Encounter/123/_history/2
    endpoint        text        not null,
    headers         text[]      not null default '{}',
    attempts        int         not null default 0,
    next_attempt    timestamptz not null default now(),
    last_error      text,
    created         timestamptz not null default now()
);

create index notification_outbox_due on notification_outbox (next_attempt);
