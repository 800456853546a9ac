package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.model.api.IModelJson;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carerecord.fhir.access.KeptClaims;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What a {@code $import} job needs after the request is gone, stored with the job (it survives a restart):
 * the inputs, and the importing system's token claims (without its timestamps), so that every record is
 * written as that system — scopes, organisation tag, ownership — exactly as its transactions are.
 */
class ImportJobParameters implements IModelJson {

    @JsonProperty("inputs")
    private List<Input> inputs = new ArrayList<>();

    @JsonProperty("claims")
    private Map<String, Object> claims = new LinkedHashMap<>();

    @JsonProperty("requestUrl")
    private String requestUrl;

    public List<Input> getInputs() {
        return inputs;
    }

    /** The importing system's token as kept with the job: every step acts as that system. */
    Jwt importerToken() {
        return KeptClaims.asToken(claims, "bulk-import");
    }

    public Map<String, Object> getClaims() {
        return claims;
    }

    public ImportJobParameters setClaims(Map<String, Object> claims) {
        this.claims = new LinkedHashMap<>(claims);
        return this;
    }

    public String getRequestUrl() {
        return requestUrl;
    }

    public ImportJobParameters setRequestUrl(String requestUrl) {
        this.requestUrl = requestUrl;
        return this;
    }

    /** The client that started the job: only it may poll, read the errors or cancel. */
    public String clientId() {
        return String.valueOf(claims.get("client_id"));
    }

    /** One NDJSON source and the type of every line in it. */
    public static class Input implements IModelJson {
        @JsonProperty("type")
        private String type;

        @JsonProperty("url")
        private String url;

        public Input() {}

        public Input(String type, String url) {
            this.type = type;
            this.url = url;
        }

        public String getType() {
            return type;
        }

        public String getUrl() {
            return url;
        }
    }
}
