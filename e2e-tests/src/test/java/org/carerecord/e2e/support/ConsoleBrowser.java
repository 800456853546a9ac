package org.carerecord.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven through its chromedriver (a test tool's own browser download cannot
 * reach the network here). Without a browser the tests are skipped, unless CARE_BROWSER_TESTS=required
 * (as in CI, which installs one), when they fail instead.
 */
public final class ConsoleBrowser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CARE_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getenv().getOrDefault("CARE_CHROMEDRIVER", "/usr/bin/chromedriver"));

    public final ChromeDriver driver;
    private final WebDriverWait wait;
    private final Path screenshots;
    private final Path profile;

    private ConsoleBrowser(Path screenshots) throws IOException {
        this.profile = Files.createTempDirectory("care-console-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 1400));
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        this.screenshots = screenshots;
    }

    public static ConsoleBrowser open() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "required".equals(System.getenv("CARE_BROWSER_TESTS"))) {
            throw new IllegalStateException("CARE_BROWSER_TESTS=required but no " + CHROMIUM + " / " + CHROMEDRIVER
                    + " (apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(present, "no headless chromium here (apt-get install chromium chromium-driver)");
        Path home = Path.of(System.getProperty("care.record.home", ".."))
                .toAbsolutePath()
                .normalize();
        Path screenshots = home.resolve(System.getProperty("care.screenshots", "e2e-tests/target/screenshots"));
        Files.createDirectories(screenshots);
        return new ConsoleBrowser(screenshots);
    }

    public void go(String url) {
        driver.get(url);
    }

    /** Signs in at the identity provider's page (the console has just redirected there). */
    public void signIn(String user, String password) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")))
                .sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
    }

    public WebElement await(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public String heading() {
        return await(By.tagName("h1")).getText();
    }

    public void screenshot(String name) {
        try {
            Files.write(screenshots.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs axe-core (this module's npm package, src/test/browser) on the page; returns the serious and critical
     * WCAG 2.x A/AA violations, as "rule: first offending element" lines.
     */
    @SuppressWarnings("unchecked")
    public java.util.List<String> accessibilityViolations() {
        Path axeScript =
                Path.of(System.getProperty("care.axe.script", "src/test/browser/node_modules/axe-core/axe.min.js"));
        try {
            driver.executeScript(Files.readString(axeScript));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Object result = driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                   .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                                  .map(v => v.id + ': ' + v.nodes[0].html)))
                   .catch(e => done(['axe failed: ' + e]));""");
        return (java.util.List<String>) result;
    }

    /** The element the keyboard focus is on, after pressing Tab from the top of the page. */
    public WebElement firstTabStop() {
        driver.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.TAB);
        return driver.switchTo().activeElement();
    }

    /** The console's session cookie, for fetching a download the way the browser would. */
    public String sessionCookie() {
        return driver.manage().getCookieNamed("CARE_CONSOLE_SESSION").getValue();
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
