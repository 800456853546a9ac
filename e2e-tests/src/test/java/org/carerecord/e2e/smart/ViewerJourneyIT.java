package org.carerecord.e2e.smart;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.carerecord.e2e.support.ConsoleBrowser;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The clinician's journey in headless Chromium: signed in to their clinical system (simulated), they open the
 * shared record for a patient (EHR launch of the viewer, fhirclient doing the SMART part); they open it on its
 * own and choose the patient (standalone launch); they meet a restricted category and break the glass; other
 * roles meet refusals. Screenshots go to e2e-tests/target/screenshots (copied to docs/screenshots).
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ViewerJourneyIT {

    private CareRecordStack stack;
    private TestPatients.TestPatient restricted;

    @BeforeAll
    void records(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack);
        // a David-like patient (depression, sertraline: mental health) who restricts mental health from everyone
        restricted = TestPatients.davidLike(stack);
        Fhir.Response directive = Fhir.post(
                stack.consentUrl() + "/fhir/Consent", stack.tokens().token("patient." + restricted.id()), """
                {"resourceType":"Consent","status":"active",
                 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
                 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
                 "patient":{"reference":"Patient/%s"},
                 "provision":{"type":"permit","provision":[{"type":"deny","securityLabel":[
                   {"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSY"}]}]}}""".formatted(
                                restricted.id()));
        assertThat(directive.status()).as(directive.body().toString()).isEqualTo(201);
    }

    private static String text(ConsoleBrowser browser, String id) {
        return browser.await(By.id(id)).getText();
    }

    private static void awaitSummary(ConsoleBrowser browser) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.or(
                        ExpectedConditions.textToBe(By.id("page-title"), "Summary"),
                        ExpectedConditions.textToBe(By.id("page-title"), "This record is not available to you"),
                        ExpectedConditions.textToBe(By.id("page-title"), "The record could not be opened")));
    }

    @Test
    void aGpOpensTheRecordFromTheirClinicalSystemAndOnItsOwnAndBreaksTheGlass() throws Exception {
        try (ConsoleBrowser browser = ConsoleBrowser.open()) {
            browser.go(stack.issuer() + "/ehr");
            browser.signIn("gp.clinician", stack.password("gp.clinician"));
            assertThat(browser.heading()).isEqualTo("Today's patients");
            browser.screenshot("viewer-01-clinical-system");

            // EHR launch: the patient is already chosen; the viewer shows the banner and the summary
            browser.driver
                    .findElement(By.cssSelector("button[data-patient='amelia-hartley']"))
                    .click();
            awaitSummary(browser);
            assertThat(browser.heading())
                    .as(browser.driver.findElement(By.id("status")).getText())
                    .isEqualTo("Summary");
            assertThat(browser.driver.getCurrentUrl()).startsWith(stack.viewerUrl() + "/callback.html");
            assertThat(text(browser, "banner-name")).isEqualTo("Amelia HARTLEY");
            assertThat(text(browser, "banner-nhs")).isEqualTo("900 000 0009");
            assertThat(text(browser, "banner-born")).startsWith("14 Mar 1956 (");
            assertThat(text(browser, "banner-gp")).isNotEqualTo("Not recorded");
            assertThat(text(browser, "section-problems")).contains("Recorded by");
            assertThat(text(browser, "section-medications")).doesNotContain("None recorded.");
            assertThat(text(browser, "section-admissions")).contains("admitted");
            assertThat(text(browser, "viewer-user")).contains("Dr Ravi Patel");
            assertThat(browser.firstTabStop().getText()).isEqualTo("Skip to main content");
            browser.screenshot("viewer-02-summary");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility of the summary")
                    .isEmpty();

            // 320 px wide (a phone, or a narrow pane beside the clinical system): nothing scrolls sideways
            browser.driver.manage().window().setSize(new Dimension(320, 900));
            Object overflow = browser.driver.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
            browser.screenshot("viewer-03-summary-320px");
            browser.driver.manage().window().setSize(new Dimension(1280, 1400));

            // standalone launch: the viewer on its own, the patient chosen at sign-in
            browser.go(stack.viewerUrl() + "/");
            browser.await(By.id("sign-in")).click();
            browser.await(By.id("patientId")).sendKeys(restricted.id());
            browser.screenshot("viewer-04-choose-patient");
            browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
            awaitSummary(browser);
            assertThat(browser.heading()).isEqualTo("Summary");
            assertThat(text(browser, "withheld-text")).contains("withheld").contains("Break-glass");
            assertThat(text(browser, "section-problems")).doesNotContainIgnoringCase("depress");
            browser.screenshot("viewer-05-withheld");

            // break-glass: a reason is required, then the restricted items show under an emergency banner
            browser.await(By.cssSelector("#break-glass summary")).click();
            browser.await(By.id("break-glass-submit")).click();
            assertThat(browser.await(By.id("reason-error")).isDisplayed()).isTrue();
            assertThat(browser.driver.findElement(By.id("emergency-banner")).isDisplayed())
                    .isFalse();
            browser.driver.findElement(By.id("break-glass-reason")).sendKeys("Overdose: needs his full history now");
            // the window the policy sets (roles.json: 240 minutes), as the browser tells the time
            java.time.format.DateTimeFormatter clock = java.time.format.DateTimeFormatter.ofPattern("HH:mm");
            String earliest = java.time.LocalTime.now().plusMinutes(240).format(clock);
            browser.driver.findElement(By.id("break-glass-submit")).click();
            new WebDriverWait(browser.driver, Duration.ofSeconds(30))
                    .until(ExpectedConditions.textToBePresentInElementLocated(By.id("section-problems"), "epress"));
            String latest = java.time.LocalTime.now().plusMinutes(240).format(clock);
            assertThat(text(browser, "emergency-text"))
                    .contains("Overdose: needs his full history now")
                    .contains("recorded")
                    .contains("reviewed")
                    .containsAnyOf("It lasts until " + earliest, "It lasts until " + latest);
            assertThat(browser.driver.findElement(By.id("withheld")).isDisplayed())
                    .isFalse();
            browser.screenshot("viewer-06-break-glass");
            assertThat(browser.accessibilityViolations())
                    .as("accessibility under break-glass")
                    .isEmpty();
        }
    }

    @Test
    void aWardNurseOpensThePatientInTheContextOfTheirAdmission() throws Exception {
        try (ConsoleBrowser browser = ConsoleBrowser.open()) {
            browser.go(stack.issuer() + "/ehr");
            browser.signIn("hospital.nurse", stack.password("hospital.nurse"));
            browser.await(By.cssSelector("button[data-patient='susan-armstrong']"))
                    .click();
            awaitSummary(browser);
            assertThat(browser.heading()).isEqualTo("Summary");
            assertThat(text(browser, "section-admissions"))
                    .contains("This admission: Hospital admission")
                    .contains("not yet discharged");
            browser.screenshot("viewer-09-encounter-context");
        }
    }

    @Test
    void otherRolesMeetRefusalsTheyCanRead() throws Exception {
        try (ConsoleBrowser browser = ConsoleBrowser.open()) {
            // the ward clerk sees demographics and admissions only
            browser.go(stack.issuer() + "/ehr");
            browser.signIn("ward.clerk", stack.password("ward.clerk"));
            browser.await(By.cssSelector("button[data-patient='amelia-hartley']"))
                    .click();
            awaitSummary(browser);
            assertThat(browser.heading()).isEqualTo("Summary");
            assertThat(text(browser, "section-problems")).startsWith("Problems").contains("Not available to you");
            assertThat(text(browser, "section-admissions")).doesNotContain("Not available");
            browser.screenshot("viewer-07-clerk");
        }
        // the hospital nurse has no relationship with David: the whole record is refused, with the reason
        try (ConsoleBrowser browser = ConsoleBrowser.open()) {
            browser.go(stack.issuer() + "/ehr");
            browser.signIn("hospital.nurse", stack.password("hospital.nurse"));
            browser.await(By.cssSelector("button[data-patient='david-robson']")).click();
            awaitSummary(browser);
            assertThat(browser.heading()).isEqualTo("This record is not available to you");
            assertThat(text(browser, "status")).contains("relationship");
            assertThat(browser.driver.findElement(By.id("patient-banner")).isDisplayed())
                    .isFalse();
            browser.screenshot("viewer-08-refused");
        }
    }
}
