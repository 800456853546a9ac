package org.carerecord.fhir.notification;

import java.util.List;
import java.util.Optional;
import org.carerecord.fhir.access.KeptClaims;
import org.carerecord.fhir.access.Requester;
import org.carerecord.security.token.CareClaims;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@code care.subscription_recipient}: the system each Subscription notifies, and how much it is sent. */
@Repository
class SubscriptionRecipients {

    /** The Subscriptions Backport IG's payload content codes this record sends. */
    static final String ID_ONLY = "id-only";

    static final String FULL_RESOURCE = "full-resource";

    record Recipient(Requester requester, String content) {}

    private final JdbcClient jdbc;

    SubscriptionRecipients(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The system writing this Subscription (the request being served) is the one it notifies. */
    void keep(String subscriptionId, CareClaims claims, String content, String watchedType) {
        jdbc.sql("""
                        insert into care.subscription_recipient (subscription_id, client_id, claims, content, watched_type)
                        values (:id, :client, cast(:claims as jsonb), :content, :watched)
                        on conflict (subscription_id) do update
                        set client_id = excluded.client_id, claims = excluded.claims, content = excluded.content,
                            watched_type = excluded.watched_type, updated = now()""")
                .param("id", subscriptionId)
                .param("client", claims.clientId())
                .param("claims", KeptClaims.ofThisRequestAsJson())
                .param("content", content)
                .param("watched", watchedType)
                .update();
    }

    /**
     * The types the stored Subscriptions watch, whatever their status (null among them: a Subscription kept before
     * its type was). A deleted Subscription's stays: a write is queued needlessly, never left out wrongly.
     */
    List<String> watchedTypes() {
        return jdbc.sql("select distinct watched_type from care.subscription_recipient")
                .query(String.class)
                .list();
    }

    Optional<String> clientOf(String subscriptionId) {
        return jdbc.sql("select client_id from care.subscription_recipient where subscription_id = :id")
                .param("id", subscriptionId)
                .query(String.class)
                .optional();
    }

    Optional<Recipient> recipientOf(String subscriptionId) {
        return jdbc.sql("select claims::text, content from care.subscription_recipient where subscription_id = :id")
                .param("id", subscriptionId)
                .query((rs, n) ->
                        new Recipient(KeptClaims.requesterOf(rs.getString(1), "notification"), rs.getString(2)))
                .optional();
    }
}
