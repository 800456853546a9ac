package org.carerecord.e2e.smart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SMART App Launch 2.x against the running stack with a client written from the specification only
 * ({@link SpecOnlySmartClient}): standalone and EHR launch, public (PKCE) and confidential apps, launch context
 * in the token response, refresh, introspection, the OAuth error behaviour, CORS, and what a launched
 * clinician's token may and may not do.
 */
@ExtendWith(RunningStack.class)
class SmartLaunchIT {

    private static final String LOOPBACK = "http://127.0.0.1:%d/callback";
    private static CareRecordStack stack;

    @BeforeAll
    static void start(CareRecordStack running) throws Exception {
        stack = running;
        org.carerecord.launcher.demo.DemoData.load(stack); // the patients the simulated clinical system lists
    }

    private static SpecOnlySmartClient viewer() {
        return new SpecOnlySmartClient(
                stack.fhirBaseUrl(), "care-viewer", null, LOOPBACK.formatted(40000 + (int) (Math.random() * 20000)));
    }

    /** Sign-in as the user on the identity provider's form, from a page that redirected there. */
    private static HttpResponse<String> signIn(SpecOnlySmartClient app, HttpResponse<String> toLogin, String user) {
        HttpResponse<String> loginPage = app.follow(toLogin);
        assertThat(loginPage.statusCode()).isEqualTo(200);
        assertThat(loginPage.body()).contains("password");
        return app.follow(app.submit(loginPage, Map.of("username", user, "password", stack.password(user))));
    }

    private static Map<String, String> standaloneCode(
            SpecOnlySmartClient app, String user, String scope, String patient) {
        HttpResponse<String> afterSignIn = signIn(app, app.browse(app.authorizeUrl(scope, "s-123", null, true)), user);
        HttpResponse<String> back = afterSignIn;
        if (afterSignIn.statusCode() == 200 && afterSignIn.body().contains("Choose the patient")) {
            back = app.follow(app.submit(afterSignIn, Map.of("patient", patient)));
        }
        // a public app on a loopback redirect is approved by the user by hand, every time (RFC 8252 8.6)
        assertThat(SpecOnlySmartClient.asksConsent(back)).isEqualTo(app.clientSecret == null);
        if (SpecOnlySmartClient.asksConsent(back)) {
            back = app.follow(app.submit(back, Map.of()));
        }
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        assertThat(back.headers().firstValue("Location").orElseThrow()).startsWith(app.redirectUri);
        return SpecOnlySmartClient.query(back);
    }

    private static JsonNode claims(String jwt) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Test
    void discoveryListsWhatWorks() {
        JsonNode config = viewer().configuration;
        assertThat(config.path("authorization_endpoint").asText()).isEqualTo(stack.issuer() + "/oauth2/authorize");
        assertThat(config.path("code_challenge_methods_supported").toString()).contains("S256");
        assertThat(config.path("grant_types_supported").toString())
                .contains("authorization_code", "refresh_token", "client_credentials");
        assertThat(config.path("capabilities").toString())
                .contains(
                        "launch-ehr",
                        "launch-standalone",
                        "client-public",
                        "client-confidential-symmetric",
                        "context-ehr-patient",
                        "context-ehr-encounter",
                        "context-standalone-patient",
                        "sso-openid-connect",
                        "permission-v2",
                        "permission-offline");
        JsonNode capability = Fhir.get(stack.fhirBaseUrl() + "/metadata", null).body();
        assertThat(capability.path("rest").path(0).path("security").path("cors").asBoolean())
                .isTrue();
    }

    @Test
    void standaloneLaunchOfAPublicAppGivesThePatientChosenAndConfinesTheTokenToThem() throws Exception {
        SpecOnlySmartClient app = viewer();
        Map<String, String> back = standaloneCode(
                app, "gp.clinician", "openid fhirUser launch/patient patient/*.rs offline_access", "amelia-hartley");
        assertThat(back.get("state")).isEqualTo("s-123");
        HttpResponse<String> tokenResponse = app.exchange(back.get("code"));
        assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
        JsonNode token = SpecOnlySmartClient.json(tokenResponse);
        assertThat(token.path("patient").asText()).isEqualTo("amelia-hartley");
        assertThat(token.path("need_patient_banner").asBoolean()).isTrue();
        assertThat(token.path("scope").asText()).contains("patient/*.rs", "launch/patient", "openid", "fhirUser");
        assertThat(token.path("refresh_token").asText()).isNotEmpty();
        assertThat(claims(token.path("id_token").asText()).path("fhirUser").asText())
                .isEqualTo("Practitioner/pr-1001");
        JsonNode access = claims(token.path("access_token").asText());
        assertThat(access.path("aud").toString()).contains("care-record", stack.fhirBaseUrl());

        String bearer = token.path("access_token").asText();
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Patient/amelia-hartley", bearer)
                        .status())
                .isEqualTo(200);
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition?patient=amelia-hartley", bearer)
                        .status())
                .isEqualTo(200);
        // another patient is outside the launch: not even their existence is confirmed
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Patient/david-robson", bearer)
                        .status())
                .isIn(403, 404);
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition?patient=david-robson", bearer)
                        .body()
                        .path("entry")
                        .size())
                .isZero();
        // a clinician launched for a patient is not that patient: no directives, no "who viewed me"
        assertThat(Fhir.get(stack.auditUrl() + "/fhir/AuditEvent?patient=amelia-hartley", bearer)
                        .status())
                .isEqualTo(403);
        assertThat(Fhir.get(stack.consentUrl() + "/fhir/Consent?patient=amelia-hartley", bearer)
                        .status())
                .isIn(403, 200);
        JsonNode consents = Fhir.get(stack.consentUrl() + "/fhir/Consent?patient=amelia-hartley", bearer)
                .body();
        assertThat(consents.path("entry").size()).isZero();

        // refresh keeps the launch context
        HttpResponse<String> refreshed = app.refresh(token.path("refresh_token").asText());
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode again = SpecOnlySmartClient.json(refreshed);
        assertThat(again.path("patient").asText()).isEqualTo("amelia-hartley");
        assertThat(claims(again.path("access_token").asText()).path("patient").asText())
                .isEqualTo("amelia-hartley");
        assertThat(Fhir.get(
                                stack.fhirBaseUrl() + "/Patient/amelia-hartley",
                                again.path("access_token").asText())
                        .status())
                .isEqualTo(200);
    }

    /** Found in review: a launch token reached other patients, and the role alone opened governance routes. */
    @Test
    void aGovernanceOfficersAppTokenStaysWithItsPatientAndOpensNoGovernanceRoute() {
        SpecOnlySmartClient app = viewer();
        Map<String, String> back =
                standaloneCode(app, "privacy.officer", "openid launch/patient patient/*.rs", "amelia-hartley");
        String bearer = SpecOnlySmartClient.json(app.exchange(back.get("code")))
                .path("access_token")
                .asText();
        assertThat(Fhir.get(stack.auditUrl() + "/fhir/AuditEvent?patient=david-robson", bearer)
                        .status())
                .isEqualTo(403);
        assertThat(Fhir.getText(stack.auditUrl() + "/audit/export.csv", bearer).statusCode())
                .isEqualTo(403);
        assertThat(Fhir.getText(stack.auditUrl() + "/audit/verify", bearer).statusCode())
                .isEqualTo(403);
        assertThat(Fhir.getText(stack.consentUrl() + "/break-glass", bearer).statusCode())
                .isEqualTo(403);
        // the same officer's own governance session still works
        String governance = stack.tokens().token("privacy.officer");
        assertThat(Fhir.getText(stack.consentUrl() + "/break-glass", governance).statusCode())
                .isEqualTo(200);
        assertThat(Fhir.getText(stack.auditUrl() + "/audit/verify", governance).statusCode())
                .isEqualTo(200);
    }

    @Test
    void ehrLaunchCarriesThePatientTheClinicalSystemChose() {
        SpecOnlySmartClient app = viewer();
        // the clinician is at work in their clinical system (signed in), and opens the record for David
        HttpResponse<String> ehr = signIn(app, app.browse(stack.issuer() + "/ehr"), "gp.clinician");
        assertThat(ehr.statusCode()).isEqualTo(200);
        assertThat(ehr.body()).contains("David Robson");
        HttpResponse<String> launched = app.submitFormHolding(
                ehr, "value=\"david-robson\"", Map.of("patient", "david-robson", "app", "care-viewer"));
        assertThat(launched.statusCode()).isEqualTo(302);
        URI launchUrl = URI.create(launched.headers().firstValue("Location").orElseThrow());
        assertThat(launchUrl.toString()).startsWith(stack.viewerUrl() + "/launch.html");
        Map<String, String> launchParams = SpecOnlySmartClient.query(launched);
        assertThat(launchParams.get("iss")).isEqualTo(stack.fhirBaseUrl());

        HttpResponse<String> consent = app.follow(app.browse(
                app.authorizeUrl("launch openid fhirUser patient/*.rs", "ehr-1", launchParams.get("launch"), true)));
        assertThat(SpecOnlySmartClient.asksConsent(consent))
                .as("a loopback redirect of a public app")
                .isTrue();
        HttpResponse<String> back = app.follow(app.submit(consent, Map.of()));
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        Map<String, String> code = SpecOnlySmartClient.query(back);
        assertThat(code).containsKey("code").containsEntry("state", "ehr-1");
        JsonNode token = SpecOnlySmartClient.json(app.exchange(code.get("code")));
        assertThat(token.path("patient").asText()).isEqualTo("david-robson");
        assertThat(token.has("refresh_token"))
                .as("no offline/online access asked, no refresh token")
                .isFalse();
        // a launch is redeemed once: the same launch id again is refused, back to the app the OAuth way
        HttpResponse<String> replay = app.follow(
                app.browse(app.authorizeUrl("launch openid patient/*.rs", "ehr-2", launchParams.get("launch"), true)));
        assertThat(SpecOnlySmartClient.query(replay))
                .containsEntry("error", "invalid_request")
                .containsEntry("state", "ehr-2");
        // and a launch started for one app is not redeemed by another
        HttpResponse<String> again = app.submitFormHolding(
                app.follow(app.browse(stack.issuer() + "/ehr")),
                "value=\"david-robson\"",
                Map.of("patient", "david-robson", "app", "care-viewer"));
        String forViewer = SpecOnlySmartClient.query(again).get("launch");
        SpecOnlySmartClient other = new SpecOnlySmartClient(
                stack.fhirBaseUrl(),
                "referral-app",
                stack.credentials().clientSecret("referral-app"),
                LOOPBACK.formatted(45680));
        HttpResponse<String> otherApp = signIn(
                other,
                other.browse(other.authorizeUrl("launch openid patient/*.rs", "ehr-3", forViewer, true)),
                "gp.clinician");
        assertThat(SpecOnlySmartClient.query(otherApp))
                .containsEntry("error", "invalid_request")
                .containsEntry("state", "ehr-3");
        assertThat(Fhir.get(
                                stack.fhirBaseUrl() + "/Patient/david-robson",
                                token.path("access_token").asText())
                        .status())
                .isEqualTo(200);
    }

    /** A ward system launches in the context of the patient's current admission (SMART encounter context). */
    @Test
    void anEhrLaunchFromAWardCarriesTheCurrentAdmissionAsEncounterContext() {
        SpecOnlySmartClient app = viewer();
        HttpResponse<String> ehr = signIn(app, app.browse(stack.issuer() + "/ehr"), "hospital.nurse");
        assertThat(ehr.body()).contains("Hospital admission (in progress)");
        // the form names the patient only: the encounter is the clinical system's own, not the browser's say
        JsonNode token = ehrLaunchToken(
                app,
                ehr,
                "susan-armstrong",
                "launch openid fhirUser patient/*.rs",
                "enc-1",
                Map.of("encounter", "someone-elses"));

        assertThat(token.path("patient").asText()).isEqualTo("susan-armstrong");
        assertThat(token.path("encounter").asText()).isEqualTo("rtd-e-2");
        assertThat(token.path("fhirContext").toString()).contains("\"reference\":\"Encounter/rtd-e-2\"");
        // the admission itself, as the hospital's system holds it (other tests change who may read susan's record)
        Fhir.Response encounter = Fhir.get(
                stack.fhirBaseUrl() + "/Encounter/rtd-e-2", stack.tokens().token("rtd-pas"));
        assertThat(encounter.status()).isEqualTo(200);
        assertThat(encounter.body().path("subject").path("reference").asText()).isEqualTo("Patient/susan-armstrong");
        assertThat(encounter.body().path("status").asText()).isEqualTo("in-progress");

        // a patient with no current encounter is launched with the patient alone
        JsonNode plain = ehrLaunchToken(
                app,
                app.follow(app.browse(stack.issuer() + "/ehr")),
                "amelia-hartley",
                "launch openid patient/*.rs",
                "enc-2",
                Map.of());
        assertThat(plain.path("patient").asText()).isEqualTo("amelia-hartley");
        assertThat(plain.has("encounter")).isFalse();
    }

    /** SMART online_access: usable while the user is signed in; offline_access outlives the sign-in. */
    @Test
    void onlineAccessEndsWhenTheUserSignsOutAndOfflineAccessDoesNot() {
        SpecOnlySmartClient app = viewer();
        HttpResponse<String> ehr = signIn(app, app.browse(stack.issuer() + "/ehr"), "gp.clinician");
        JsonNode online = ehrLaunchToken(
                app, ehr, "amelia-hartley", "launch openid patient/*.rs online_access", "on-1", Map.of());
        JsonNode offline = ehrLaunchToken(
                app,
                app.follow(app.browse(stack.issuer() + "/ehr")),
                "amelia-hartley",
                "launch openid patient/*.rs offline_access",
                "off-1",
                Map.of());
        HttpResponse<String> stillOnline =
                app.refresh(online.path("refresh_token").asText());
        assertThat(stillOnline.statusCode()).as(stillOnline.body()).isEqualTo(200);
        String onlineRefresh =
                SpecOnlySmartClient.json(stillOnline).path("refresh_token").asText();

        // the clinician signs out of the identity provider (the default sign-out page, as a browser would)
        HttpResponse<String> signOutPage = app.follow(app.browse(stack.issuer() + "/logout"));
        HttpResponse<String> signedOut = app.submitFormHolding(signOutPage, "action=\"/logout\"", Map.of());
        assertThat(signedOut.statusCode()).isEqualTo(302);

        HttpResponse<String> ended = app.refresh(onlineRefresh);
        assertThat(ended.statusCode()).isEqualTo(400);
        assertThat(SpecOnlySmartClient.json(ended).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(app.refresh(onlineRefresh).statusCode())
                .as("and stays refused")
                .isEqualTo(400);
        HttpResponse<String> stillOffline =
                app.refresh(offline.path("refresh_token").asText());
        assertThat(stillOffline.statusCode()).as(stillOffline.body()).isEqualTo(200);
    }

    /** From the clinical system's patient list (signed in), an EHR launch of the viewer for a patient, to the token. */
    private static JsonNode ehrLaunchToken(
            SpecOnlySmartClient app,
            HttpResponse<String> ehr,
            String patient,
            String scope,
            String state,
            Map<String, String> moreFields) {
        Map<String, String> fields = new java.util.HashMap<>(moreFields);
        fields.putAll(Map.of("patient", patient, "app", "care-viewer"));
        HttpResponse<String> launched = app.submitFormHolding(ehr, "value=\"" + patient + "\"", fields);
        HttpResponse<String> consent = app.follow(app.browse(app.authorizeUrl(
                scope, state, SpecOnlySmartClient.query(launched).get("launch"), true)));
        Map<String, String> code = SpecOnlySmartClient.query(app.follow(app.submit(consent, Map.of())));
        HttpResponse<String> token = app.exchange(code.get("code"));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return SpecOnlySmartClient.json(token);
    }

    @Test
    void aLaunchStartedByOneUserCannotBeRedeemedByAnother() {
        SpecOnlySmartClient gp = viewer();
        HttpResponse<String> ehr = signIn(gp, gp.browse(stack.issuer() + "/ehr"), "gp.clinician");
        HttpResponse<String> launched = gp.submitFormHolding(
                ehr, "value=\"amelia-hartley\"", Map.of("patient", "amelia-hartley", "app", "care-viewer"));
        String launch = SpecOnlySmartClient.query(launched).get("launch");

        SpecOnlySmartClient nurse = viewer();
        HttpResponse<String> back = signIn(
                nurse,
                nurse.browse(nurse.authorizeUrl("launch openid patient/*.rs", "x-1", launch, true)),
                "hospital.nurse");
        assertThat(back.statusCode()).isEqualTo(302);
        Map<String, String> error = SpecOnlySmartClient.query(back);
        assertThat(error)
                .containsEntry("error", "invalid_request")
                .containsEntry("state", "x-1")
                .doesNotContainKey("code");
    }

    @Test
    void aConfidentialAppAuthenticatesWithItsSecretAndMayIntrospect() throws Exception {
        SpecOnlySmartClient app = new SpecOnlySmartClient(
                stack.fhirBaseUrl(),
                "referral-app",
                stack.credentials().clientSecret("referral-app"),
                LOOPBACK.formatted(45678));
        Map<String, String> back = standaloneCode(
                app, "hospital.nurse", "openid fhirUser launch/patient patient/*.rs online_access", "amelia-hartley");
        HttpResponse<String> tokenResponse = app.exchange(back.get("code"));
        assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
        JsonNode token = SpecOnlySmartClient.json(tokenResponse);
        assertThat(token.path("patient").asText()).isEqualTo("amelia-hartley");
        assertThat(token.path("refresh_token").asText()).isNotEmpty();

        JsonNode active = SpecOnlySmartClient.json(
                app.introspect(token.path("access_token").asText()));
        assertThat(active.path("active").asBoolean()).isTrue();
        assertThat(active.path("client_id").asText()).isEqualTo("referral-app");
        assertThat(active.path("scope").asText()).contains("patient/*.rs");
        assertThat(SpecOnlySmartClient.json(app.introspect("not-a-token"))
                        .path("active")
                        .asBoolean())
                .isFalse();

        // the same app without its secret is refused at the token endpoint
        SpecOnlySmartClient noSecret =
                new SpecOnlySmartClient(stack.fhirBaseUrl(), "referral-app", null, LOOPBACK.formatted(45679));
        assertThat(noSecret.refresh(token.path("refresh_token").asText()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void errorsGoBackToTheAppTheOAuthWayOrToAPlainPage() {
        SpecOnlySmartClient app = viewer();
        // a scope no app may ask for: back to the app with invalid_scope and its state
        HttpResponse<String> scope = app.browse(app.authorizeUrl("launch/patient system/*.cruds", "e-1", null, true));
        assertThat(SpecOnlySmartClient.query(scope))
                .containsEntry("error", "invalid_scope")
                .containsEntry("state", "e-1");
        // aud naming another server: refused before any sign-in (a token must never reach a look-alike server)
        String otherAud = app.authorizeUrl("launch/patient patient/*.rs", "e-2", null, true)
                .replace(
                        "aud="
                                + java.net.URLEncoder.encode(
                                        stack.fhirBaseUrl(), java.nio.charset.StandardCharsets.UTF_8),
                        "aud=https%3A%2F%2Fevil.example%2Ffhir");
        assertThat(SpecOnlySmartClient.query(app.browse(otherAud)))
                .containsEntry("error", "invalid_request")
                .containsEntry("state", "e-2");
        // a public app without PKCE
        HttpResponse<String> noPkce = app.browse(app.authorizeUrl("launch/patient patient/*.rs", "e-3", null, false));
        assertThat(SpecOnlySmartClient.query(noPkce))
                .containsEntry("error", "invalid_request")
                .containsEntry("state", "e-3");
        // an unregistered app, or a redirect URI the app never registered: a plain page, nothing sent to the URI
        for (String bad : new String[] {
            app.authorizeUrl("launch/patient", "e-4", null, true)
                    .replace("client_id=care-viewer", "client_id=unknown-app"),
            app.authorizeUrl("launch/patient", "e-5", null, true).replace("127.0.0.1", "evil.example")
        }) {
            HttpResponse<String> page = app.browse(bad);
            assertThat(page.statusCode()).isEqualTo(400);
            assertThat(page.headers().firstValue("Location")).isEmpty();
            assertThat(page.body()).contains("Sign-in cannot continue").doesNotContain("Whitelabel", "Exception");
        }
    }

    @Test
    void corsAnswersRegisteredAppOriginsOnly() {
        for (String url : new String[] {stack.fhirBaseUrl() + "/Patient", stack.issuer() + "/oauth2/token"}) {
            HttpResponse<String> allowed = preflight(url, "http://127.0.0.1:41234");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains("http://127.0.0.1:41234");
            HttpResponse<String> viewerOrigin = preflight(url, stack.viewerUrl());
            assertThat(viewerOrigin.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains(stack.viewerUrl());
            HttpResponse<String> other = preflight(url, "https://evil.example");
            assertThat(other.statusCode()).isEqualTo(403);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
        }
    }

    private static HttpResponse<String> preflight(String url, String origin) {
        return viewer().send(HttpRequest.newBuilder(URI.create(url))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", url.contains("token") ? "POST" : "GET")
                .header(
                        "Access-Control-Request-Headers",
                        url.contains("token") ? "content-type" : "authorization,x-break-glass-reason")
                .build());
    }
}
