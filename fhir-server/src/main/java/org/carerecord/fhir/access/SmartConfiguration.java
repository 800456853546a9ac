package org.carerecord.fhir.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What a SMART client needs to know, published where it looks: {@code /fhir/.well-known/smart-configuration}
 * and the CapabilityStatement's security section. It says only what is true of this server: tokens come
 * from the configured issuer by client credentials; SMART v2 (and v1) scopes in user, patient and system
 * context are enforced; there is no interactive launch.
 */
@Component
@Interceptor
public class SmartConfiguration implements FhirServerInterceptor {

    private static final String PATH = "/.well-known/smart-configuration";
    private static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    private final String issuer;
    private final ObjectMapper json = new ObjectMapper();

    public SmartConfiguration(@Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri}") String issuer) {
        this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    public Map<String, Object> document() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("jwks_uri", issuer + "/oauth2/jwks");
        doc.put("token_endpoint", issuer + "/oauth2/token");
        doc.put("grant_types_supported", List.of("client_credentials"));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        doc.put("scopes_supported", List.of("system/*.cruds", "user/*.rs", "patient/*.rs", "user/Condition.rs",
                "user/Patient.rs", "patient/Consent.cu"));
        doc.put("response_types_supported", List.of("token"));
        doc.put("capabilities", List.of("permission-v2", "permission-v1", "permission-patient", "permission-user",
                "client-confidential-symmetric"));
        return doc;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
    public boolean serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod()) || !PATH.equals(request.getPathInfo())) {
            return true;
        }
        response.setStatus(200);
        response.setContentType("application/json");
        json.writeValue(response.getOutputStream(), document());
        return false;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void describe(IBaseConformance capabilityStatement) {
        if (capabilityStatement instanceof CapabilityStatement statement && statement.hasRest()) {
            CapabilityStatement.CapabilityStatementRestSecurityComponent security = statement.getRestFirstRep().getSecurity();
            security.setCors(false);
            security.addService(new CodeableConcept(new Coding(
                    "http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
            security.setDescription("OAuth2 bearer tokens (JWT) from " + issuer + "; SMART v2 scopes; access also"
                    + " rests on role, care relationship and the patient's consent (see consent-service)");
            Extension uris = security.addExtension().setUrl(OAUTH_URIS);
            uris.addExtension("token", new UriType(issuer + "/oauth2/token"));
        }
    }
}
