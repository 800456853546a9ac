package org.carerecord.fhir.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
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

    private static final TypeReference<Map<String, Object>> CLAIMS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final ObjectMapper json = new ObjectMapper();

    SubscriptionRecipients(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The system writing this Subscription (the request being served) is the one it notifies. */
    void keep(String subscriptionId, CareClaims claims, String content) {
        try {
            jdbc.sql("""
                            insert into care.subscription_recipient (subscription_id, client_id, claims, content)
                            values (:id, :client, cast(:claims as jsonb), :content)
                            on conflict (subscription_id) do update
                            set client_id = excluded.client_id, claims = excluded.claims, content = excluded.content,
                                updated = now()""")
                    .param("id", subscriptionId)
                    .param("client", claims.clientId())
                    .param("claims", json.writeValueAsString(KeptClaims.ofThisRequest()))
                    .param("content", content)
                    .update();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("token claims not writable as JSON", e);
        }
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
                .query((rs, n) -> {
                    try {
                        CareClaims claims = CareClaims.from(
                                KeptClaims.asToken(json.readValue(rs.getString(1), CLAIMS), "notification"));
                        return new Recipient(
                                new Requester(claims, claims.purposeOfUse(), null, null, null), rs.getString(2));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("stored claims of Subscription " + subscriptionId, e);
                    }
                })
                .optional();
    }
}
