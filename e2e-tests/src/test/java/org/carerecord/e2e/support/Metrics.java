package org.carerecord.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.carerecord.launcher.service.CareRecordStack;

/** A service's figures as Prometheus scrapes them: its management port, with the scraper's own token. */
public final class Metrics {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Metrics() {}

    /** The service's Prometheus exposition. */
    public static String scrape(CareRecordStack stack, String service) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(stack.service(service).managementUrl() + "/actuator/prometheus"))
                            .header("Authorization", "Bearer " + stack.tokens().token("prometheus"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(service).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sum of the samples named {@code series} (name, and labels that must all be present). */
    public static double sum(String exposition, String series) {
        String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        List<String> labels = series.contains("{")
                ? List.of(series.substring(series.indexOf('{') + 1, series.length() - 1)
                        .split(",(?=[a-z_]+=\")"))
                : List.of();
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String labelPart = line.contains("{") ? line.substring(line.indexOf('{'), line.lastIndexOf('}')) : "";
                if (labels.stream().allMatch(labelPart::contains)) {
                    total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return total;
    }
}
