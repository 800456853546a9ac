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
 * and the CapabilityStatement's security section. It says only what is true of this server and its identity
 * provider, each capability proven by an end-to-end test (SmartLaunchIT): EHR and standalone launch with the
 * patient in context and a banner flag; public apps (PKCE S256) and confidential ones (a secret); OpenID
 * Connect sign-in with {@code fhirUser}; refresh tokens for offline or online access; SMART v2 (and v1)
 * scopes in user, patient and system context; client credentials for care-provider systems.
 * Not claimed: encounter context (the simulated clinical system launches for a patient only), asymmetric
 * client authentication, authorization by POST.
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
        doc.put("authorization_endpoint", issuer + "/oauth2/authorize");
        doc.put("token_endpoint", issuer + "/oauth2/token");
        doc.put("introspection_endpoint", issuer + "/oauth2/introspect");
        doc.put("revocation_endpoint", issuer + "/oauth2/revoke");
        doc.put("userinfo_endpoint", issuer + "/userinfo");
        doc.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials"));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        doc.put(
                "scopes_supported",
                List.of(
                        "openid",
                        "fhirUser",
                        "profile",
                        "launch",
                        "launch/patient",
                        "offline_access",
                        "online_access",
                        "patient/*.rs",
                        "user/*.rs",
                        "system/*.cruds",
                        "patient/Patient.rs",
                        "patient/Condition.rs",
                        "patient/MedicationRequest.rs",
                        "patient/AllergyIntolerance.rs",
                        "patient/Encounter.rs",
                        "patient/Observation.rs",
                        "patient/Consent.cu"));
        doc.put("response_types_supported", List.of("code"));
        doc.put(
                "capabilities",
                List.of(
                        "launch-ehr",
                        "launch-standalone",
                        "client-public",
                        "client-confidential-symmetric",
                        "context-ehr-patient",
                        "context-ehr-encounter",
                        "context-standalone-patient",
                        "context-banner",
                        "sso-openid-connect",
                        "permission-offline",
                        "permission-online",
                        "permission-patient",
                        "permission-user",
                        "permission-v1",
                        "permission-v2"));
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
            CapabilityStatement.CapabilityStatementRestSecurityComponent security =
                    statement.getRestFirstRep().getSecurity();
            security.setCors(true); // for the registered SMART apps' origins only (FhirSecurityConfig)
            security.addService(new CodeableConcept(new Coding(
                    "http://terminology.hl7.org/CodeSystem/restful-security-service",
                    "SMART-on-FHIR",
                    "SMART-on-FHIR")));
            security.setDescription("OAuth2 bearer tokens (JWT) from " + issuer + "; SMART v2 scopes; access also"
                    + " rests on role, care relationship and the patient's consent (see consent-service)");
            Extension uris = security.addExtension().setUrl(OAUTH_URIS);
            uris.addExtension("authorize", new UriType(issuer + "/oauth2/authorize"));
            uris.addExtension("token", new UriType(issuer + "/oauth2/token"));
            uris.addExtension("introspect", new UriType(issuer + "/oauth2/introspect"));
            uris.addExtension("revoke", new UriType(issuer + "/oauth2/revoke"));
        }
    }
}
