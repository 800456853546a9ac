package org.carerecord.fhir.ingest.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which sources a provider may import from: its own folder of a shared drop, or its own server, and no other. */
class ImportSourcesTest {

    @TempDir
    Path root;

    private Path shared;
    private ImportSources sources;

    @BeforeEach
    void sharedDropWithTwoProvidersFolders() throws IOException {
        shared = Files.createDirectories(root.resolve("drop"));
        Files.createDirectories(shared.resolve("RTD"));
        Files.createDirectories(shared.resolve("A81001"));
        Files.writeString(shared.resolve("RTD/patients.ndjson"), "{}\n");
        Files.writeString(shared.resolve("A81001/secret.ndjson"), "{}\n");
        sources = new ImportSources(
                List.of(shared.toUri().toString(), "RTD=http://127.0.0.1:9/rtd/"), Duration.ofMinutes(2));
    }

    private String url(String relative) {
        return shared.resolve(relative).toUri().toString();
    }

    @Test
    void aProviderReadsItsOwnFolderAndItsOwnServerOnly() {
        assertThat(sources.check("RTD", url("RTD/patients.ndjson")).getPath()).endsWith("/RTD/patients.ndjson");
        assertThat(sources.check("RTD", "http://127.0.0.1:9/rtd/patients")).hasPort(9);
        assertThatThrownBy(() -> sources.check("A81001", "http://127.0.0.1:9/rtd/patients"))
                .as("another provider's own server")
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is not under a source this server reads for A81001");
        assertThatThrownBy(() -> sources.check("RTD", url("A81001/secret.ndjson")))
                .as("another provider's folder")
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> sources.check("RTD", url("RTD/../A81001/secret.ndjson")))
                .isInstanceOf(InvalidRequestException.class);
        for (String organisation : new String[] {null, "", "RTD/../A81001"}) {
            assertThatThrownBy(() -> sources.check(organisation, url("RTD/patients.ndjson")))
                    .as("organisation %s", organisation)
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void encodedDotsSlashesPercentsAndCredentialsAreRefusedBeforeAnyPrefixIsCompared() {
        for (String url : new String[] {
            "http://127.0.0.1:9/rtd/%2e%2e/admin",
            "http://127.0.0.1:9/rtd/%252e%252e/admin",
            "http://127.0.0.1:9/rtd/a%2Fb",
            "http://user:pw@127.0.0.1:9/rtd/patients",
            "not a url at all"
        }) {
            assertThatThrownBy(() -> sources.check("RTD", url)).as(url).isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void anotherProvidersFileAndAMissingFileGetTheSameAnswerSoLinksCannotProbeItsNames() throws IOException {
        // a provider that can put links in its own folder: one to a file the other holds, one to a name it does not
        Files.createSymbolicLink(shared.resolve("RTD/to-existing"), shared.resolve("A81001/secret.ndjson"));
        Files.createSymbolicLink(shared.resolve("RTD/to-missing"), shared.resolve("A81001/no-such.ndjson"));
        String existing = refusal(url("RTD/to-existing"));
        String missing = refusal(url("RTD/to-missing"));
        assertThat(existing.replace("to-existing", "X")).isEqualTo(missing.replace("to-missing", "X"));
        assertThat(refusal(url("A81001/secret.ndjson")).replace("A81001/secret.ndjson", "X"))
                .isEqualTo(refusal(url("A81001/no-such.ndjson")).replace("A81001/no-such.ndjson", "X"));
        assertThat(missing).contains("names no file this server reads for RTD", "prefix/RTD/");
    }

    @Test
    void aLinkInsideTheProvidersOwnFolderIsReadAsTheFileItLeadsTo() throws IOException {
        Files.createSymbolicLink(shared.resolve("RTD/latest"), shared.resolve("RTD/patients.ndjson"));
        assertThat(sources.check("RTD", url("RTD/latest")).getPath()).endsWith("/RTD/patients.ndjson");
    }

    @Test
    void aFolderSwappedForALinkBetweenTheCheckAndTheReadingIsNotFollowed() throws IOException {
        // found by review: only the file's own name was opened without following a link, so a provider swapping a
        // folder of its own for a link to another's, between the check and the open, read the other's file
        Files.createDirectories(shared.resolve("RTD/monthly"));
        Files.writeString(shared.resolve("RTD/monthly/secret.ndjson"), "{\"mine\":true}\n");
        Path checked = Path.of(sources.check("RTD", url("RTD/monthly/secret.ndjson")));
        Files.move(shared.resolve("RTD/monthly"), shared.resolve("RTD/monthly-before"));
        Files.createSymbolicLink(shared.resolve("RTD/monthly"), shared.resolve("A81001"));

        assertThatThrownBy(() -> ImportSources.openWithoutLinks(
                                shared.resolve("RTD").toRealPath(), checked)
                        .close())
                .isInstanceOf(IOException.class);
        try (InputStream in = ImportSources.openWithoutLinks(
                shared.resolve("RTD").toRealPath(),
                shared.resolve("RTD/monthly-before/secret.ndjson").toRealPath())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("mine");
        }
    }

    @Test
    void onlyFileAndHttpSourcesWithABoundedSilenceAreConfigured() {
        for (String entry : new String[] {"ftp://127.0.0.1/drop/", "RTD=jar:file:/x.jar!/", "RTD=/tmp/drop/"}) {
            assertThatThrownBy(() -> new ImportSources(List.of(entry), Duration.ofMinutes(2)))
                    .as(entry)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (Duration silence : new Duration[] {Duration.ZERO, Duration.ofDays(30)}) {
            assertThatThrownBy(() -> new ImportSources(List.of(shared.toUri().toString()), silence))
                    .as("%s", silence)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aFileSwappedForALinkAfterTheJobStartedIsNotReadThroughIt() throws IOException {
        String checked = url("RTD/patients.ndjson");
        assertThat(sources.checkBeforeStart("RTD", checked)).isNotNull();
        Files.delete(shared.resolve("RTD/patients.ndjson"));
        Files.createSymbolicLink(shared.resolve("RTD/patients.ndjson"), shared.resolve("A81001/secret.ndjson"));
        assertThatThrownBy(() -> sources.open("RTD", checked).close()).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aSourceIsReadWhenItIsTheProvidersOwnAndStillThere() throws IOException {
        try (InputStream in = sources.open("RTD", url("RTD/patients.ndjson"))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{}\n");
        }
        assertThatThrownBy(() -> sources.checkBeforeStart("RTD", "http://127.0.0.1:9/rtd/patients"))
                .as("a server that does not answer is refused before a job starts")
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("could not be read");
    }

    @Test
    void aSharedPrefixWithAQueryWouldPutEachOrganisationsCodeInTheQueryAndIsRefused() {
        assertThatThrownBy(() -> new ImportSources(List.of("http://127.0.0.1:9/drop?folder="), Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anHttpSourceThatFallsSilentMidBodyFailsItsReadingInsteadOfHoldingTheWorker() throws IOException {
        CountDownLatch done = new CountDownLatch(1);
        HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.setExecutor(Executors.newCachedThreadPool());
        provider.createContext("/rtd/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write("{}\n".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            try {
                done.await(1, TimeUnit.MINUTES); // and then nothing
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        provider.start();
        try {
            String base = "http://127.0.0.1:" + provider.getAddress().getPort() + "/rtd/";
            ImportSources quick = new ImportSources(List.of("RTD=" + base), Duration.ofSeconds(1));
            Instant started = Instant.now();
            try (InputStream in = quick.open("RTD", base + "patients")) {
                assertThat(in.read()).isEqualTo('{');
                assertThatThrownBy(in::readAllBytes).isInstanceOf(SocketTimeoutException.class);
            }
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(30));
        } finally {
            done.countDown();
            provider.stop(0);
        }
    }

    private String refusal(String url) {
        try {
            sources.check("RTD", url);
        } catch (InvalidRequestException e) {
            return e.getMessage();
        }
        throw new AssertionError(url + " was allowed");
    }
}
