package org.carerecord.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.carerecord.e2e.support.ExternalTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests ({@code deploy/kubernetes/base}) as {@code kubectl kustomize} renders them, held to what
 * a region's deployment needs of every workload: two replicas or more, probes, requests and limits, a disruption
 * budget, a non-root container on a read-only file system, secrets only by reference, fhir-server autoscaled,
 * consent-service and audit-service reachable only from the services that call them, TLS on every public host,
 * and PostgreSQL with a replica and backups.
 */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static List<JsonNode> rendered;

    @BeforeAll
    static void render() throws Exception {
        Path home = Path.of(System.getProperty("care.record.home", ".."))
                .toAbsolutePath()
                .normalize();
        ExternalTools.require("kubectl");
        Process process = new ProcessBuilder(
                        "kubectl",
                        "kustomize",
                        home.resolve("deploy/kubernetes/base").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize").isZero();
        rendered = documents(yaml);
        Files.createDirectories(home.resolve("e2e-tests/target"));
        Files.writeString(home.resolve("e2e-tests/target/kubernetes-rendered.yaml"), yaml);
    }

    @Test
    void everyServiceRunsAsADeploymentOfAtLeastTwoReplicasWithProbesResourcesAndABudget() {
        List<JsonNode> deployments = ofKind("Deployment");
        assertThat(names(deployments))
                .containsExactlyInAnyOrder("fhir-server", "consent-service", "audit-service", "clinician-viewer");
        for (JsonNode deployment : deployments) {
            String name = deployment.at("/metadata/name").asText();
            assertThat(deployment.at("/spec/replicas").asInt()).as(name).isGreaterThanOrEqualTo(2);
            assertThat(deployment
                            .at("/spec/strategy/rollingUpdate/maxUnavailable")
                            .asInt())
                    .as(name + ": a rolling upgrade keeps every replica until its successor is ready")
                    .isZero();
            for (JsonNode container : deployment.at("/spec/template/spec/containers")) {
                String where = name + "/" + container.path("name").asText();
                assertThat(container.at("/readinessProbe/httpGet/path").asText())
                        .as(where)
                        .isNotEmpty();
                assertThat(container.at("/livenessProbe/httpGet/path").asText())
                        .as(where)
                        .isNotEmpty();
                assertThat(container.at("/resources/requests/cpu").asText())
                        .as(where)
                        .isNotEmpty();
                assertThat(container.at("/resources/requests/memory").asText())
                        .as(where)
                        .isNotEmpty();
                assertThat(container.at("/resources/limits/memory").asText())
                        .as(where)
                        .isNotEmpty();
                assertThat(container.path("image").asText())
                        .as(where)
                        .doesNotEndWith(":latest")
                        .contains(":");
            }
            JsonNode labels = deployment.at("/spec/template/metadata/labels");
            assertThat(ofKind("PodDisruptionBudget"))
                    .as(name + " has a disruption budget that keeps one")
                    .anySatisfy(budget -> {
                        assertThat(selects(budget.at("/spec/selector/matchLabels"), labels))
                                .isTrue();
                        assertThat(budget.at("/spec/minAvailable").asInt()).isGreaterThanOrEqualTo(1);
                    });
            assertThat(ofKind("Service"))
                    .as(name + " has a Service")
                    .anySatisfy(service -> assertThat(selects(service.at("/spec/selector"), labels))
                            .isTrue());
        }
    }

    @Test
    void everyContainerRunsAsNonRootOnAReadOnlyFileSystemWithNothingToEscalate() {
        for (JsonNode deployment : ofKind("Deployment")) {
            JsonNode pod = deployment.at("/spec/template/spec");
            String name = deployment.at("/metadata/name").asText();
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean())
                    .as(name)
                    .isTrue();
            assertThat(pod.at("/securityContext/runAsUser").asInt()).as(name).isPositive();
            assertThat(pod.at("/automountServiceAccountToken").asBoolean(true))
                    .as(name)
                    .isFalse();
            for (JsonNode container : pod.path("containers")) {
                JsonNode security = container.path("securityContext");
                assertThat(security.path("readOnlyRootFilesystem").asBoolean())
                        .as(name)
                        .isTrue();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true))
                        .as(name)
                        .isFalse();
                assertThat(security.at("/capabilities/drop").toString())
                        .as(name)
                        .contains("ALL");
            }
        }
        assertThat(ofKind("Namespace")
                        .get(0)
                        .at("/metadata/labels/pod-security.kubernetes.io~1enforce")
                        .asText())
                .isEqualTo("restricted");
    }

    @Test
    void secretsAreOnlyReferencedNeverWrittenInTheManifests() {
        assertThat(ofKind("Secret")).as("no Secret is part of the manifests").isEmpty();
        for (JsonNode deployment : ofKind("Deployment")) {
            for (JsonNode container : deployment.at("/spec/template/spec/containers")) {
                for (JsonNode env : container.path("env")) {
                    String name = env.path("name").asText();
                    if (name.matches(".*(SECRET|PASSWORD|KEY|TOKEN).*")) {
                        assertThat(env.has("value"))
                                .as(deployment.at("/metadata/name").asText() + " " + name + " has a literal value")
                                .isFalse();
                        assertThat(env.at("/valueFrom/secretKeyRef/name").asText())
                                .as(name)
                                .isNotEmpty();
                    }
                }
            }
        }
        for (JsonNode config : ofKind("ConfigMap")) {
            config.path("data")
                    .fieldNames()
                    .forEachRemaining(key ->
                            assertThat(key).as("a ConfigMap holds no secret").doesNotContainPattern("SECRET|PASSWORD"));
        }
    }

    @Test
    void fhirServerScalesOnLoadFromTwoReplicas() {
        assertThat(ofKind("HorizontalPodAutoscaler")).singleElement().satisfies(hpa -> {
            assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("fhir-server");
            assertThat(hpa.at("/spec/minReplicas").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(hpa.at("/spec/maxReplicas").asInt())
                    .isGreaterThan(hpa.at("/spec/minReplicas").asInt());
        });
    }

    @Test
    void onlyTheServicesThatCallThemReachConsentAndAuditServiceAndNothingElseGetsIn() {
        assertThat(ofKind("NetworkPolicy")).as("a default deny of all ingress").anySatisfy(policy -> {
            assertThat(policy.at("/spec/podSelector").isEmpty()).isTrue();
            assertThat(policy.at("/spec/ingress").isMissingNode()).isTrue();
        });
        assertThat(podsAllowedInto("consent-service")).containsExactlyInAnyOrder("fhir-server", "audit-service");
        assertThat(podsAllowedInto("audit-service")).containsExactlyInAnyOrder("fhir-server", "consent-service");
        assertThat(namespacesAllowedInto("consent-service"))
                .as("consent-service is not public")
                .isEmpty();
        for (JsonNode deployment : ofKind("Deployment")) {
            String name = deployment.at("/metadata/name").asText();
            assertThat(ofKind("NetworkPolicy"))
                    .as(name + " has a policy of its own")
                    .anySatisfy(p -> assertThat(p.at("/spec/podSelector/matchLabels/app.kubernetes.io~1name")
                                    .asText())
                            .isEqualTo(name));
        }
    }

    @Test
    void everyPublicHostIsServedOverTls() {
        for (JsonNode ingress : ofKind("Ingress")) {
            Set<String> tls = new TreeSet<>();
            ingress.at("/spec/tls").forEach(t -> t.path("hosts").forEach(h -> tls.add(h.asText())));
            ingress.at("/spec/rules")
                    .forEach(rule -> assertThat(tls)
                            .as("TLS for " + rule.path("host").asText())
                            .contains(rule.path("host").asText()));
            assertThat(ingress.toString()).doesNotContain("consent-service");
        }
    }

    @Test
    void postgresqlRunsWithAReplicaAndContinuousBackups() {
        JsonNode cluster = ofKind("Cluster").get(0);
        assertThat(cluster.path("apiVersion").asText()).startsWith("postgresql.cnpg.io/");
        assertThat(cluster.at("/spec/instances").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(cluster.at("/spec/backup/barmanObjectStore/destinationPath").asText())
                .isNotEmpty();
        assertThat(cluster.at("/spec/backup/retentionPolicy").asText()).isNotEmpty();
        assertThat(ofKind("ScheduledBackup")).isNotEmpty();
    }

    @Test
    void metricsAreReachedOnlyOnTheManagementPortsFromTheMonitoringNamespaceWithATokenOfTheirOwn() {
        Set<Integer> managementPorts = new TreeSet<>();
        for (String service : List.of("fhir-server", "consent-service", "audit-service")) {
            JsonNode deployment = ofKind("Deployment").stream()
                    .filter(d -> service.equals(d.at("/metadata/name").asText()))
                    .findFirst()
                    .orElseThrow();
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            int management = -1;
            for (JsonNode port : container.path("ports")) {
                if (port.path("name").asText().equals("management")) {
                    management = port.path("containerPort").asInt();
                }
            }
            assertThat(management).as(service + " has a management port").isPositive();
            managementPorts.add(management);
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                assertThat(container.at("/" + probe + "/httpGet/port").asText())
                        .as(service + " " + probe
                                + " asks the management port (the public port's health is status only)")
                        .isEqualTo("management");
            }
            int metricsPort = management;
            assertThat(policyOf(service).at("/spec/ingress").findValuesAsText("port"))
                    .as(service + ": its own policy (the public port's callers) does not open the management port")
                    .doesNotContain(String.valueOf(metricsPort));
        }
        for (JsonNode ingress : ofKind("Ingress")) {
            assertThat(ingress.at("/spec/rules").findValuesAsText("name"))
                    .as("no public host leads to a management port")
                    .doesNotContain("management");
        }
        JsonNode scraping = ofKind("NetworkPolicy").stream()
                .filter(p -> p.at("/metadata/name").asText().equals("metrics-scraping"))
                .findFirst()
                .orElseThrow();
        assertThat(scraping.at("/spec/ingress")).singleElement().satisfies(rule -> {
            assertThat(rule.path("from"))
                    .singleElement()
                    .satisfies(peer -> assertThat(peer.at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
                                    .asText())
                            .isEqualTo("monitoring"));
            Set<Integer> ports = new TreeSet<>();
            rule.path("ports").forEach(port -> ports.add(port.path("port").asInt()));
            assertThat(ports).isEqualTo(managementPorts);
        });
        assertThat(ofKind("ServiceMonitor")).singleElement().satisfies(monitor -> {
            for (JsonNode endpoint : monitor.at("/spec/endpoints")) {
                assertThat(endpoint.path("port").asText()).isEqualTo("management");
                assertThat(endpoint.path("path").asText()).isEqualTo("/actuator/prometheus");
                assertThat(endpoint.at("/oauth2/clientSecret/name").asText())
                        .as("the scraper's own client, its secret by reference")
                        .isNotEmpty();
                assertThat(endpoint.at("/oauth2/scopes").toString()).contains("metrics.read");
            }
        });
        assertThat(ofKind("PrometheusRule"))
                .singleElement()
                .satisfies(rules -> assertThat(rules.at("/spec/groups/0/rules").findValuesAsText("alert"))
                        .contains(
                                "CareRecordAuditChainBroken",
                                "CareRecordAuditOutboxLagging",
                                "CareRecordFhirServerErrors"));
        assertThat(ofKind("ConfigMap"))
                .as("the Grafana dashboard, labelled for Grafana's dashboard sidecar")
                .anySatisfy(map -> assertThat(
                                map.at("/metadata/labels/grafana_dashboard").asText())
                        .isEqualTo("1"));
    }

    private static Set<String> podsAllowedInto(String service) {
        Set<String> from = new TreeSet<>();
        for (JsonNode rule : policyOf(service).at("/spec/ingress")) {
            for (JsonNode peer : rule.path("from")) {
                String pod = peer.at("/podSelector/matchLabels/app.kubernetes.io~1name")
                        .asText();
                if (!pod.isEmpty()) {
                    from.add(pod);
                }
            }
        }
        return from;
    }

    private static Set<String> namespacesAllowedInto(String service) {
        Set<String> from = new TreeSet<>();
        for (JsonNode rule : policyOf(service).at("/spec/ingress")) {
            for (JsonNode peer : rule.path("from")) {
                if (peer.has("namespaceSelector") || peer.has("ipBlock")) {
                    from.add(peer.toString());
                }
            }
        }
        return from;
    }

    private static JsonNode policyOf(String service) {
        return ofKind("NetworkPolicy").stream()
                .filter(p -> service.equals(p.at("/spec/podSelector/matchLabels/app.kubernetes.io~1name")
                        .asText()))
                .findFirst()
                .orElse(MissingNode.getInstance());
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector.isMissingNode() || selector.isEmpty()) {
            return false;
        }
        var fields = selector.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (!field.getValue().asText().equals(labels.path(field.getKey()).asText())) {
                return false;
            }
        }
        return true;
    }

    private static List<JsonNode> ofKind(String kind) {
        return rendered.stream()
                .filter(d -> kind.equals(d.path("kind").asText()))
                .toList();
    }

    private static List<String> names(List<JsonNode> documents) {
        return documents.stream().map(d -> d.at("/metadata/name").asText()).toList();
    }

    private static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            var iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }
}
