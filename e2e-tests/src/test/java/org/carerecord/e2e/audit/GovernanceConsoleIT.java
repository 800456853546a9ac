package org.carerecord.e2e.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Bundles;
import org.carerecord.e2e.support.ConsoleBrowser;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The governance console in a real headless browser: a privacy officer signs in through the identity
 * provider (OpenID Connect), reviews a break-glass made by an earlier request, finds the alert a
 * scripted family lookup raised, searches the trail, opens a record with its consent decision, exports
 * the page as CSV and verifies the chain; a clinician who signs in is refused. Screenshots of each page
 * go to {@code e2e-tests/target/screenshots} ({@code -Dcare.screenshots=docs/screenshots}
 * refreshes the README's).
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GovernanceConsoleIT {

    /** Lives at 88 Shields Road with the ward clerk (Linda Armstrong in the demo staff directory). */
    private static final String HOUSEHOLD_NHS = "9000000211";
    /** Registered with the GP; the hospital nurse has no relationship with them. */
    private static final String EMERGENCY_NHS = "9000000238";

    private CareRecordStack stack;
    private String householdId;
    private String emergencyId;
    private final String reason =
            "Collapsed in A&E, unconscious " + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void earlierRequests(CareRecordStack stack) {
        this.stack = stack;
        // the hospital admits the clerk's relative (so the clerk may see their demographics) ...
        Fhir.Response pushed = Fhir.post(stack.fhirBaseUrl(), stack.tokens().token("rtd-pas"), household());
        assertThat(pushed.status()).isEqualTo(200);
        householdId = patientId(HOUSEHOLD_NHS);
        // ... and the clerk looks them up: a self/family lookup
        assertThat(Fhir.get(
                                stack.fhirBaseUrl() + "/Patient/" + householdId,
                                stack.tokens().token("ward.clerk"))
                        .status())
                .isEqualTo(200);

        // the GP practice's patient; a hospital nurse breaks the glass to see their conditions
        assertThat(Fhir.post(
                                stack.fhirBaseUrl(),
                                stack.tokens().token("gp-system"),
                                Bundles.admission(EMERGENCY_NHS, "A81001"))
                        .status())
                .isEqualTo(200);
        emergencyId = patientId(EMERGENCY_NHS);
        Fhir.Response brokeGlass = Fhir.get(
                stack.fhirBaseUrl() + "/Condition?patient=" + emergencyId,
                stack.tokens().token("hospital.nurse"),
                Map.of("X-Purpose-Of-Use", "ETREAT", "X-Break-Glass-Reason", reason));
        assertThat(brokeGlass.status()).isEqualTo(200);
        Audit.awaitRecordOf(stack, brokeGlass.requestId());
    }

    @Test
    void aPrivacyOfficerReviewsBreakGlassSeesTheFamilyLookupAlertSearchesExportsAndVerifies() throws Exception {
        try (ConsoleBrowser browser = ConsoleBrowser.open()) {
            browser.go(stack.auditUrl() + "/");
            assertThat(browser.driver.getCurrentUrl())
                    .startsWith(stack.issuer())
                    .endsWith("/login");
            assertThat(browser.heading()).isEqualTo("Sign in");
            browser.screenshot("00-sign-in");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility of 00-sign-in")
                    .isEmpty();
            browser.signIn("privacy.officer", stack.password("privacy.officer"));
            assertThat(browser.heading()).startsWith("Overview");
            // keyboard users land on "Skip to main content" first
            assertThat(browser.firstTabStop().getText()).isEqualTo("Skip to main content");
            assertThat(browser.driver.findElement(By.className("console-user")).getText())
                    .contains("Priya Shah")
                    .contains("Privacy Officer");
            assertThat(browser.driver
                            .findElements(By.cssSelector("svg.console-chart__svg rect"))
                            .size())
                    .isGreaterThan(3);
            browser.screenshot("01-overview");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility of 01-overview")
                    .isEmpty();

            // break-glass: the queue shows the reason, window and records touched; mark it justified
            browser.go(stack.auditUrl() + "/break-glass");
            WebElement card =
                    browser.await(By.xpath("//div[contains(@class,'nhsuk-card')][.//dd[text()='" + reason + "']]"));
            assertThat(card.getText())
                    .contains("hospital.nurse")
                    .contains(emergencyId)
                    .contains("R8001 at RTD")
                    .contains("Searched diagnoses")
                    .doesNotContain("search-type");
            browser.screenshot("02-break-glass-queue");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility of 02-break-glass-queue")
                    .isEmpty();
            String grantId = card.getAttribute("id").substring("grant-".length());
            card.findElement(By.cssSelector("input[value=appropriate]")).click();
            card.findElement(By.tagName("textarea"))
                    .sendKeys("Confirmed with the A&E consultant: patient unconscious on arrival.");
            card.findElement(By.cssSelector("button[type=submit]")).click();
            assertThat(browser.await(By.className("console-done")).getText()).contains("Review recorded: Justified");
            assertThat(browser.driver.findElements(By.id("grant-" + grantId))).isEmpty();
            browser.screenshot("03-break-glass-reviewed");
            // the review is in consent-service, and in the trail as the officer's own act
            Fhir.Response grant = Fhir.get(
                    stack.consentUrl() + "/break-glass/" + grantId,
                    stack.tokens().token("privacy.officer"));
            assertThat(grant.body().path("reviewOutcome").asText()).isEqualTo("appropriate");
            assertThat(grant.body().path("reviewedBy").asText()).isEqualTo("privacy.officer");
            Fhir.Response reviews = Fhir.get(
                    stack.auditUrl() + "/fhir/AuditEvent?agent-name=privacy.officer&patient=" + emergencyId,
                    stack.tokens().token("privacy.officer"));
            assertThat(reviews.body().toString()).contains("break-glass-review").contains("Justified");

            // the family lookup raised an alert, linked to the record behind it
            WebElement alert = awaitAlert(browser, "family-lookup", householdId);
            assertThat(alert.getText())
                    .contains("ward.clerk")
                    .contains("shares their surname (Armstrong) and home address");
            browser.screenshot("04-alerts");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility of 04-alerts")
                    .isEmpty();
            alert.findElement(By.tagName("a")).click();
            assertThat(browser.await(By.id("alert-records")).getText())
                    .as("the patient by name and NHS number (3-3-4), not the record's id")
                    .contains("NHS 900 000 0211")
                    .doesNotContain(householdId)
                    .contains("Opened patient details");
            browser.screenshot("05-alert-detail");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility of 05-alert-detail")
                    .isEmpty();

            // search the trail by NHS number; open a record: the consent decision and the policy behind it
            browser.go(stack.auditUrl() + "/trail");
            browser.await(By.id("patient")).sendKeys(EMERGENCY_NHS);
            browser.driver.findElement(By.id("search-button")).click();
            WebElement results = browser.await(By.id("trail-results"));
            List<WebElement> rows = results.findElements(By.cssSelector("tbody tr"));
            assertThat(rows).isNotEmpty();
            assertThat(results.getText()).contains("hospital.nurse").contains("Break-glass");
            browser.screenshot("06-trail-search");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility of 06-trail-search")
                    .isEmpty();

            // export what is on screen: the same rows, as CSV, with the browser's session
            String csvUrl = browser.await(By.id("export-csv")).getAttribute("href");
            HttpResponse<String> csv = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(csvUrl))
                                    .header("Cookie", "CARE_CONSOLE_SESSION=" + browser.sessionCookie())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
            List<String> lines = csv.body().lines().toList();
            assertThat(lines.get(0)).startsWith("recorded,event_id,action,outcome,user");
            assertThat(lines).hasSize(rows.size() + 1);
            List<String> shownIds = rows.stream()
                    .map(r -> r.findElement(By.tagName("a")).getAttribute("href"))
                    .map(href -> href.substring(href.lastIndexOf('/') + 1))
                    .toList();
            assertThat(lines.subList(1, lines.size()).stream()
                            .map(l -> l.split(",")[1].replace("\"", ""))
                            .toList())
                    .containsExactlyElementsOf(shownIds);
            assertThat(csv.body()).contains(emergencyId);

            WebElement breakGlassRow = results.findElements(By.cssSelector("tbody tr")).stream()
                    .filter(r -> r.getText().contains("hospital.nurse"))
                    .findFirst()
                    .orElseThrow();
            breakGlassRow.findElement(By.tagName("a")).click();
            assertThat(browser.await(By.id("decision")).getText()).startsWith("PERMIT");
            assertThat(browser.await(By.id("decision-steps")).getText()).contains("break-glass asked for");
            assertThat(browser.driver.findElement(By.id("decision-policy")).getText())
                    .isNotBlank();
            browser.screenshot("07-record-detail");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility of 07-record-detail")
                    .isEmpty();

            // integrity: run verification from the console
            browser.go(stack.auditUrl() + "/integrity");
            browser.await(By.id("verify-now")).click();
            // it runs in the background: the page shows how far it has got until it is done
            java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
            while (!browser.driver.findElements(By.id("verification-running")).isEmpty()) {
                assertThat(browser.driver
                                .findElement(By.id("verification-running"))
                                .getText())
                        .contains("records checked");
                assertThat(java.time.Instant.now()).isBefore(deadline);
                Audit.pause(java.time.Duration.ofMillis(300));
                browser.driver.findElement(By.id("show-progress")).click();
            }
            assertThat(browser.await(By.id("integrity-result")).getText()).isEqualTo("Intact");
            assertThat(browser.driver.findElement(By.id("last-verification")).getText())
                    .contains("privacy.officer");
            browser.screenshot("08-integrity");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility of 08-integrity")
                    .isEmpty();

            // the role policy: propose a change in plain terms, replay it over past decisions, then reject it
            browser.go(stack.auditUrl() + "/policy");
            assertThat(browser.await(By.id("policy-version")).getText()).isNotBlank();
            browser.driver.findElement(By.id("title")).sendKeys("Clerks may read diagnoses");
            new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("role"))).selectByValue("R8010");
            browser.driver.findElement(By.id("add")).sendKeys("Condition");
            browser.driver.findElement(By.cssSelector("#propose button")).click();
            assertThat(browser.await(By.id("changes")).getText()).contains("Clerical (R8010) may also see Condition");
            browser.driver.findElement(By.cssSelector("#simulate button")).click();
            assertThat(browser.await(By.id("simulation-summary")).getText())
                    .startsWith("Of ")
                    .contains("refused would be permitted");
            assertThat(browser.driver.findElement(By.id("alert-changes")).getText())
                    .startsWith("Repeated refusals (5 refusals of one user within 30 minutes)");
            browser.screenshot("10-policy-proposal");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility of 10-policy-proposal")
                    .isEmpty();
            browser.driver.findElement(By.id("reject-note")).sendKeys("Not without a DPIA");
            browser.driver.findElement(By.cssSelector("#reject button")).click();
            assertThat(browser.await(By.id("status")).getText()).startsWith("rejected");
        }
    }

    @Test
    void aClinicianWhoSignsInIsRefused() throws Exception {
        try (ConsoleBrowser browser = ConsoleBrowser.open()) {
            browser.go(stack.auditUrl() + "/trail");
            browser.signIn("gp.clinician", stack.password("gp.clinician"));
            assertThat(browser.heading()).isEqualTo("You cannot use the governance console");
            assertThat(browser.driver.getPageSource()).contains("Dr Ravi Patel").doesNotContain("trail-results");
            browser.screenshot("09-clinician-refused");
            browser.go(stack.auditUrl() + "/break-glass");
            assertThat(browser.heading()).isEqualTo("You cannot use the governance console");
            // and the trail itself (the CSV export) answers 403 to that session
            HttpResponse<String> csv = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(stack.auditUrl() + "/trail.csv"))
                                    .header("Cookie", "CARE_CONSOLE_SESSION=" + browser.sessionCookie())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(csv.statusCode()).isEqualTo(403);
            assertThat(csv.body()).doesNotContain("event_id");
        }
    }

    /** The alerts page is reloaded until the detector (following the trail) has raised this alert. */
    private WebElement awaitAlert(ConsoleBrowser browser, String rule, String patientId) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            browser.go(stack.auditUrl() + "/alerts");
            browser.heading();
            var match = browser.driver.findElements(By.cssSelector("tr[data-rule='" + rule + "']")).stream()
                    .filter(r -> r.getText().contains(patientId))
                    .findFirst();
            if (match.isPresent()) {
                return match.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no " + rule + " alert for " + patientId + " within 30 s");
            }
            Audit.pause(Duration.ofMillis(500));
        }
    }

    private String patientId(String nhsNumber) {
        Fhir.Response found = Fhir.get(
                stack.fhirBaseUrl() + "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhsNumber,
                stack.tokens().token("gp-system"));
        return found.body().path("entry").get(0).path("resource").path("id").asText();
    }

    private static String household() {
        return """
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"fullUrl":"urn:uuid:9a1c1b1e-0000-4000-8000-000000000001",
              "resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%1$s"}],
                          "name":[{"family":"Armstrong","given":["Joan"]}],"gender":"female","birthDate":"1948-03-02",
                          "address":[{"line":["88 Shields Road"],"city":"Newcastle upon Tyne","postalCode":"NE6 1DL"}],
                          "generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}}]},
              "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=https://fhir.nhs.uk/Id/nhs-number|%1$s"}},
             {"fullUrl":"urn:uuid:9a1c1b1e-0000-4000-8000-000000000002",
              "resource":{"resourceType":"Encounter","identifier":[{"system":"https://rtd.example/enc","value":"e-%1$s"}],
                          "status":"in-progress","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},
                          "subject":{"reference":"urn:uuid:9a1c1b1e-0000-4000-8000-000000000001"},
                          "period":{"start":"%2$s"}},
              "request":{"method":"POST","url":"Encounter","ifNoneExist":"identifier=https://rtd.example/enc|e-%1$s"}}
            ]}""".formatted(HOUSEHOLD_NHS, Bundles.daysAgo(1));
    }
}
