package org.carerecord.safety;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The clinical safety case stays true to the code: every hazard in {@code docs/safety/hazard-log.json} has a
 * control, every control names the tests that evidence it, and each named test exists in the repository (a
 * test renamed or deleted fails the build here until the log follows). The report for the Clinical Safety
 * Officer ({@code docs/safety/safety-case.md}) is generated from the log; {@code -Dsafety.write=true} writes it.
 */
class HazardLogTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LOG = ROOT.resolve("docs/safety/hazard-log.json");
    private static final Path REPORT = ROOT.resolve("docs/safety/safety-case.md");

    /** DCB0129's risk matrix: rows likelihood (very low to very high), columns severity (minor to catastrophic). */
    private static final int[][] RISK = {
        {1, 1, 2, 2, 3},
        {1, 2, 2, 3, 4},
        {2, 2, 3, 3, 4},
        {2, 3, 3, 4, 5},
        {3, 4, 4, 5, 5}
    };

    private static JsonNode log;
    private static Map<String, String> testSources;

    @BeforeAll
    static void read() throws IOException {
        log = new ObjectMapper().readTree(LOG.toFile());
        testSources = new HashMap<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path tests : modules.map(m -> m.resolve("src/test/java"))
                    .filter(Files::isDirectory)
                    .toList()) {
                try (Stream<Path> files = Files.walk(tests)) {
                    for (Path file :
                            files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        testSources.put(file.getFileName().toString().replace(".java", ""), Files.readString(file));
                    }
                }
            }
        }
    }

    @Test
    void everyHazardHasAControlAndEveryControlItsEvidence() {
        assertThat(log.path("hazards")).isNotEmpty();
        for (JsonNode hazard : log.path("hazards")) {
            String id = hazard.path("id").asText();
            assertThat(hazard.path("title").asText()).as(id).isNotBlank();
            assertThat(hazard.path("cause").asText()).as(id + " cause").isNotBlank();
            assertThat(hazard.path("effect").asText()).as(id + " effect").isNotBlank();
            assertThat(hazard.path("controls")).as(id + " has no control").isNotEmpty();
            for (JsonNode control : hazard.path("controls")) {
                assertThat(control.path("tests"))
                        .as(id + ": '" + control.path("description").asText() + "' names no test")
                        .isNotEmpty();
            }
        }
    }

    @Test
    void everyTestTheLogNamesExists() {
        List<String> missing = new ArrayList<>();
        for (JsonNode hazard : log.path("hazards")) {
            for (JsonNode control : hazard.path("controls")) {
                for (JsonNode test : control.path("tests")) {
                    String[] named = test.asText().split("#");
                    String source = testSources.get(named[0]);
                    if (source == null
                            || named.length != 2
                            || !Pattern.compile("void\\s+" + Pattern.quote(named[1]) + "\\s*\\(")
                                    .matcher(source)
                                    .find()) {
                        missing.add(hazard.path("id").asText() + ": " + test.asText());
                    }
                }
            }
        }
        assertThat(missing)
                .as("tests named in the hazard log that do not exist")
                .isEmpty();
    }

    @Test
    void controlsNeverRaiseARiskAndEachRiskIsOnTheScales() {
        for (JsonNode hazard : log.path("hazards")) {
            String id = hazard.path("id").asText();
            assertThat(risk(hazard.path("residual")))
                    .as(id + " residual vs initial risk")
                    .isLessThanOrEqualTo(risk(hazard.path("initial")));
        }
    }

    @Test
    void theSafetyCaseReportIsTheOneTheLogGives() throws IOException {
        String report = report();
        if (Boolean.getBoolean("safety.write")) {
            Files.writeString(REPORT, report);
        }
        assertThat(Files.exists(REPORT))
                .as(REPORT + " (write it with -Dsafety.write=true)")
                .isTrue();
        assertThat(Files.readString(REPORT))
                .as("the report is out of date: -Dsafety.write=true writes it again")
                .isEqualTo(report);
    }

    private static int risk(JsonNode assessment) {
        int severity = index("severity", assessment.path("severity").asText());
        int likelihood = index("likelihood", assessment.path("likelihood").asText());
        return RISK[likelihood][severity];
    }

    private static int index(String scale, String value) {
        List<String> values = new ArrayList<>();
        log.path("scales").path(scale).forEach(v -> values.add(v.asText()));
        int at = values.indexOf(value);
        assertThat(at)
                .as(scale + " '" + value + "' is not on the scale " + values)
                .isNotNegative();
        return at;
    }

    private static String describe(JsonNode assessment) {
        return risk(assessment) + " (" + assessment.path("severity").asText() + ", likelihood "
                + assessment.path("likelihood").asText().toLowerCase() + ")";
    }

    private static String report() {
        StringBuilder out = new StringBuilder();
        out.append("# Clinical safety case report — ")
                .append(log.path("system").asText())
                .append("\n\n");
        out.append("Generated from `docs/safety/hazard-log.json` (version ")
                .append(log.path("version").asText())
                .append(") by `HazardLogTest`; do not edit by hand. Standard: ")
                .append(log.path("standard").asText())
                .append(".\n\n");
        out.append("Risk is rated 1 (acceptable) to 5 (unacceptable) from severity and likelihood by the DCB0129 "
                + "matrix. Every control is evidenced by the named automated tests, which run in `./mvnw verify`; "
                + "the build fails if a named test no longer exists.\n\n");
        out.append("| id | hazard | initial risk | residual risk | controls | evidencing tests |\n");
        out.append("| --- | --- | --- | --- | --- | --- |\n");
        for (JsonNode hazard : log.path("hazards")) {
            int tests = 0;
            for (JsonNode control : hazard.path("controls")) {
                tests += control.path("tests").size();
            }
            out.append("| ")
                    .append(hazard.path("id").asText())
                    .append(" | ")
                    .append(hazard.path("title").asText())
                    .append(" | ")
                    .append(risk(hazard.path("initial")))
                    .append(" | ")
                    .append(risk(hazard.path("residual")))
                    .append(" | ")
                    .append(hazard.path("controls").size())
                    .append(" | ")
                    .append(tests)
                    .append(" |\n");
        }
        for (JsonNode hazard : log.path("hazards")) {
            out.append("\n## ")
                    .append(hazard.path("id").asText())
                    .append(" ")
                    .append(hazard.path("title").asText())
                    .append("\n\n");
            out.append("- **Cause:** ").append(hazard.path("cause").asText()).append("\n");
            out.append("- **Effect:** ").append(hazard.path("effect").asText()).append("\n");
            out.append("- **Initial risk:** ")
                    .append(describe(hazard.path("initial")))
                    .append("\n");
            out.append("- **Residual risk:** ")
                    .append(describe(hazard.path("residual")))
                    .append("\n");
            out.append("- **Controls:**\n");
            for (JsonNode control : hazard.path("controls")) {
                out.append("  - ").append(control.path("description").asText()).append(" Evidence: ");
                List<String> tests = new ArrayList<>();
                control.path("tests").forEach(t -> tests.add("`" + t.asText() + "`"));
                out.append(String.join(", ", tests)).append(".\n");
            }
        }
        out.append("\n## Sign-off\n\n");
        out.append("I have reviewed the hazards, their controls and the evidence above, and accept the residual "
                + "risks for release.\n\n");
        out.append("Clinical Safety Officer: ____________________  Registration: ____________  Date: __________\n");
        return out.toString();
    }
}
