package org.carerecord.benchmarks;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The clinician scenarios as a Gatling simulation, for Gatling's report: the same stack, Synthea patients
 * and second server as {@code benchmarks.jar clinician} (see ClinicianSetup), each scenario run by
 * {@code -Dbench.clients} (8) concurrent users for {@code -Dbench.seconds} (10) against the full server, then
 * the second server, one after the other. The report lists every request twice, "full · ..." and
 * "off · ...", side by side.
 *
 * <pre>./mvnw -q -DskipTests install && ./mvnw -Pgatling -pl benchmarks -DskipTests verify</pre>
 * Report: {@code benchmarks/target/gatling/cliniciansimulation-*}/index.html.
 */
public class ClinicianSimulation extends Simulation {

    private final BenchStack.Running running;

    public ClinicianSimulation() throws Exception {
        // Gatling builds the populations here, before its before() hook: the stack must be up already
        running = BenchStack.open();
        ClinicianSetup setup = ClinicianSetup.prepare(running.stack(), SyntheaData.fromArgs(new String[] {
            System.getProperty("bench.patients", "10"), System.getProperty("bench.seed", "42")
        }));
        int users = Integer.getInteger("bench.clients", 8);
        int seconds = Integer.getInteger("bench.seconds", 10);
        Iterator<Map<String, Object>> patients = Stream.generate(() -> Map.<String, Object>of(
                        "patient",
                        setup.visible()
                                .get(ThreadLocalRandom.current()
                                        .nextInt(setup.visible().size()))))
                .iterator();
        List<PopulationBuilder> phases = new ArrayList<>();
        // fresh results on both, as in benchmarks.jar clinician
        for (ClinicianSetup.Scenario scenario : setup.scenarios("no-cache")) {
            for (String server : List.of("full", "off")) {
                String base = "full".equals(server) ? setup.full() : setup.off();
                String name = server + " · " + scenario.name();
                HttpRequestActionBuilder request = http(name)
                        .get(session -> base + scenario.path().apply(session.getString("patient")))
                        .header("Cache-Control", scenario.cacheControl());
                phases.add(scenario(name)
                        .feed(patients)
                        .exec(request)
                        .injectClosed(constantConcurrentUsers(users).during(seconds)));
            }
        }
        PopulationBuilder chain = phases.get(phases.size() - 1);
        for (int i = phases.size() - 2; i >= 0; i--) {
            chain = phases.get(i).andThen(chain); // one phase at a time, in order
        }
        setUp(chain)
                .protocols(http.acceptHeader("application/fhir+json")
                        .authorizationHeader("Bearer " + setup.nurseToken())
                        .shareConnections());
    }

    @Override
    public void after() {
        try {
            running.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
