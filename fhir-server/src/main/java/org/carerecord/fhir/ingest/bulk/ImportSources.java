package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where {@code $import} may read from: only URLs under a configured prefix ({@code care.fhir.import.allowed-sources};
 * by default one local directory). Anything else would let a client make this server fetch from wherever it
 * can reach — its own database, other services, a cloud metadata endpoint — so a URL is normalised first
 * ({@code ..} and user info refused, {@code file:} paths resolved through links) and redirects are not followed.
 *
 * <p>A source is an organisation's own. A prefix written {@code ODS=prefix} (a provider's own server) is read for
 * that organisation only; a plain prefix is shared by every provider, and each reads only its own folder under it
 * ({@code prefix/RTD/...}). Otherwise one provider could import another's files as its own records, tagged as its
 * own, and block the owner's import of them.
 */
@Component
class ImportSources {

    /** A prefix, and the organisation it belongs to (null: shared, each organisation under its own folder). */
    private record Source(String organisation, String prefix) {

        static Source of(String entry) {
            int equals = entry.indexOf('=');
            return equals > 0 && !entry.substring(0, equals).contains(":")
                    ? new Source(
                            entry.substring(0, equals).trim(),
                            directoryPrefix(entry.substring(equals + 1).trim()))
                    : new Source(null, shared(directoryPrefix(entry.trim())));
        }

        /** A shared prefix is a folder of folders: a query in it would put each organisation's code in the query. */
        private static String shared(String prefix) {
            if (prefix.contains("?") || prefix.contains("#")) {
                throw new IllegalArgumentException("care.fhir.import.allowed-sources: a shared source " + prefix
                        + " may not hold a query or fragment; name its organisation (ODS=prefix)");
            }
            return prefix;
        }

        boolean lets(String organisation, String url) {
            return this.organisation == null
                    ? url.startsWith(prefix + organisation + "/")
                    : this.organisation.equals(organisation) && url.startsWith(prefix);
        }
    }

    private final List<Source> allowed;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    public ImportSources(@Value("${care.fhir.import.allowed-sources}") List<String> allowed) {
        this.allowed =
                allowed.stream().filter(s -> !s.isBlank()).map(Source::of).toList();
    }

    /**
     * A prefix names a directory, so it ends in a slash (/import is not /import-other); a {@code file:} one is
     * written as {@link #check} writes file URLs (resolved through links).
     */
    private static String directoryPrefix(String prefix) {
        String directory = prefix.startsWith("file:")
                ? resolve(Path.of(URI.create(prefix))).toUri().toString()
                : prefix;
        return directory.endsWith("/") ? directory : directory + "/";
    }

    private static Path resolve(Path path) {
        try {
            return Files.exists(path)
                    ? path.toRealPath()
                    : path.toAbsolutePath().normalize();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    /** The URL as it will be read for this organisation (ODS code), or 400 naming what is wrong with it. */
    URI check(String organisation, String url) {
        URI uri;
        try {
            uri = new URI(url).normalize();
        } catch (URISyntaxException | NullPointerException e) {
            throw new InvalidRequestException("input url '" + url + "' is not a URL");
        }
        String rawPath = uri.getRawPath() == null ? null : uri.getRawPath().toLowerCase(java.util.Locale.ROOT);
        // an encoded dot or slash survives normalising here and may be decoded into '..' by the source's server
        if (uri.getRawUserInfo() != null
                || rawPath == null
                || rawPath.contains("..")
                || rawPath.contains("%2e")
                || rawPath.contains("%2f")
                || rawPath.contains("%5c")) {
            throw new InvalidRequestException("input url '" + url + "' is not allowed: no credentials, '..' or encoded"
                    + " dots and slashes in an input url");
        }
        String resolved = uri.toString();
        if ("file".equals(uri.getScheme())) {
            try {
                resolved = resolve(Path.of(uri)).toUri().toString();
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("input url '" + url + "' is not a readable file");
            }
        }
        String candidate = resolved;
        if (organisation == null
                || organisation.isBlank()
                || organisation.contains("/")
                || allowed.stream().noneMatch(source -> source.lets(organisation, candidate))) {
            throw new InvalidRequestException("input url '" + url + "' is not under a source this server reads for "
                    + organisation + " (care.fhir.import.allowed-sources: a shared prefix is read in the"
                    + " organisation's own folder, prefix/" + organisation + "/)");
        }
        return uri;
    }

    /**
     * {@link #check}, and a file source must be there to read: a mistyped name is the client's mistake, answered
     * 400 now rather than a job that fails later (an HTTP source is only read when the job runs).
     */
    URI checkBeforeStart(String organisation, String url) {
        URI uri = check(organisation, url);
        if ("file".equals(uri.getScheme()) && !Files.isReadable(Path.of(uri))) {
            throw new InvalidRequestException("input url '" + url + "' names no file this server can read");
        }
        return uri;
    }

    /** The source's content; checked again, as the allow-list may have changed since the job started. */
    InputStream open(String organisation, String url) throws IOException {
        URI uri = check(organisation, url);
        if ("file".equals(uri.getScheme())) {
            return Files.newInputStream(Path.of(uri));
        }
        try {
            HttpResponse<InputStream> response = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofMinutes(5))
                            .header("Accept", "application/fhir+ndjson")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException(url + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted reading " + url, e);
        }
    }
}
