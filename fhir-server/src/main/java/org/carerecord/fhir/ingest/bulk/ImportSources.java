package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
            boolean own = equals > 0 && !entry.substring(0, equals).contains(":");
            String prefix = (own ? entry.substring(equals + 1) : entry).trim();
            if (!prefix.startsWith("file:") && !prefix.startsWith("http://") && !prefix.startsWith("https://")) {
                throw new IllegalArgumentException("care.fhir.import.allowed-sources: " + entry
                        + " is not a file:, http: or https: prefix, the only sources $import reads");
            }
            return own
                    ? new Source(entry.substring(0, equals).trim(), directoryPrefix(prefix))
                    : new Source(null, shared(directoryPrefix(prefix)));
        }

        /** A shared prefix is a folder of folders: a query in it would put each organisation's code in the query. */
        private static String shared(String prefix) {
            if (prefix.contains("?") || prefix.contains("#")) {
                throw new IllegalArgumentException("care.fhir.import.allowed-sources: a shared source " + prefix
                        + " may not hold a query or fragment; name its organisation (ODS=prefix)");
            }
            return prefix;
        }

        /** The organisation's own folder of a file source (a real path: the prefix was resolved through links). */
        Path folderFor(String organisation) {
            return Path.of(URI.create(this.organisation == null ? prefix + organisation + "/" : prefix));
        }

        boolean lets(String organisation, String url) {
            return this.organisation == null
                    ? url.startsWith(prefix + organisation + "/")
                    : this.organisation.equals(organisation) && url.startsWith(prefix);
        }
    }

    private final List<Source> allowed;
    private static final Duration CONNECT_WITHIN = Duration.ofSeconds(10);

    /** The longest an HTTP source may keep a job waiting for its answer, or for more of its body. */
    private final Duration silentAtMost;

    public ImportSources(
            @Value("${care.fhir.import.allowed-sources}") List<String> allowed,
            @Value("${care.fhir.import.source-silent-at-most:2m}") Duration silentAtMost) {
        if (silentAtMost.compareTo(Duration.ofSeconds(1)) < 0 || silentAtMost.compareTo(Duration.ofHours(1)) > 0) {
            // 0 would be no limit at all to the socket; past an int of milliseconds, a failure mid-job
            throw new IllegalArgumentException(
                    "care.fhir.import.source-silent-at-most must be between 1 s and 1 h, not " + silentAtMost);
        }
        this.silentAtMost = silentAtMost;
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
                || rawPath.contains("%5c")
                // an encoded percent: a server that decodes twice would read %252e as '.'
                || rawPath.contains("%25")) {
            throw new InvalidRequestException("input url '" + url + "' is not allowed: no credentials, '..' or encoded"
                    + " dots, slashes and percents in an input url");
        }
        if (organisation == null || organisation.isBlank() || organisation.contains("/")) {
            throw notReadFor(organisation, url, "is not under a source this server reads for");
        }
        if ("file".equals(uri.getScheme())) {
            return realFile(organisation, url, uri).toUri();
        }
        if (allowed.stream().noneMatch(source -> source.lets(organisation, uri.toString()))) {
            throw notReadFor(organisation, url, "is not under a source this server reads for");
        }
        return uri;
    }

    /**
     * The file as it really is (every link resolved), if it is there and inside the organisation's own source.
     * One answer for a file that is missing, another organisation's, or reached through a link that leads out:
     * different answers would let a provider's links probe which files another provider's folder holds.
     */
    private Path realFile(String organisation, String url, URI uri) {
        Path real;
        try {
            real = Path.of(uri).toRealPath();
        } catch (IOException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw notReadFor(organisation, url, "names no file this server reads for");
        }
        String candidate = real.toUri().toString();
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)
                || allowed.stream().noneMatch(source -> source.lets(organisation, candidate))) {
            throw notReadFor(organisation, url, "names no file this server reads for");
        }
        return real;
    }

    private static InvalidRequestException notReadFor(String organisation, String url, String what) {
        return new InvalidRequestException("input url '" + url + "' " + what + " " + organisation
                + " (care.fhir.import.allowed-sources: a shared prefix is read in the organisation's own folder,"
                + " prefix/" + organisation + "/)");
    }

    /**
     * {@link #check}, and the source must answer: a mistyped name, a file that is not there, a server that answers
     * 404 or redirects elsewhere is the client's mistake, answered 400 now rather than a job that fails later.
     */
    URI checkBeforeStart(String organisation, String url) {
        URI uri = check(organisation, url);
        // the client is waiting: a source that does not answer within seconds is not one to start a job on
        try (InputStream ignored = open(uri, url, Duration.ofSeconds(20))) {
            return uri;
        } catch (IOException e) {
            throw new InvalidRequestException("input url '" + url + "' could not be read: " + e.getMessage());
        }
    }

    /**
     * The source's content; checked again, as the allow-list (or the file behind a link) may have changed since the
     * job started. A file is reached from the organisation's folder without following any link
     * ({@link #openWithoutLinks}).
     */
    InputStream open(String organisation, String url) throws IOException {
        URI uri = check(organisation, url);
        if ("file".equals(uri.getScheme())) {
            Path folder = allowed.stream()
                    .filter(source -> source.lets(organisation, uri.toString()))
                    .map(source -> source.folderFor(organisation))
                    .findFirst()
                    .orElseThrow();
            return openWithoutLinks(folder, Path.of(uri));
        }
        return open(uri, url, silentAtMost);
    }

    /**
     * The file, reached from the organisation's folder one name at a time, following no link on the way: a folder
     * of its own that a provider swaps for a link to another provider's folder after the check is not followed (its
     * real path was checked; only this walk makes the checked path the one read). Where the file system offers no
     * such walk (not Linux), the file alone is opened without following a link.
     */
    static InputStream openWithoutLinks(Path folder, Path file) throws IOException {
        Path relative = folder.relativize(file);
        if (relative.getNameCount() == 0 || relative.startsWith("..")) {
            throw new IOException(file + " is not inside " + folder);
        }
        DirectoryStream<Path> top = Files.newDirectoryStream(folder);
        if (!(top instanceof SecureDirectoryStream<Path> walked)) {
            top.close();
            return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        }
        List<SecureDirectoryStream<Path>> opened = new ArrayList<>(List.of(walked));
        try {
            for (int i = 0; i < relative.getNameCount() - 1; i++) {
                walked = walked.newDirectoryStream(relative.getName(i), LinkOption.NOFOLLOW_LINKS);
                opened.add(walked);
            }
            return Channels.newInputStream(walked.newByteChannel(
                    relative.getFileName(), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)));
        } finally {
            for (SecureDirectoryStream<Path> directory : opened) {
                directory.close();
            }
        }
    }

    /**
     * A file (as checked, before a job starts), or an HTTP source read with a limit on silence ({@code answerWithin} for the answer to begin and
     * between any two reads of its body): a source that stops sending mid-body would otherwise hold one of the
     * workers every import shares for good (found from outside; the JDK's HttpClient bounds only the wait for the
     * headers). One that sends a little now and then is not cut off: its job goes at its pace. Redirects are not
     * followed: where they lead was never checked.
     */
    private InputStream open(URI uri, String url, Duration answerWithin) throws IOException {
        if ("file".equals(uri.getScheme())) {
            return Files.newInputStream(Path.of(uri), LinkOption.NOFOLLOW_LINKS);
        }
        HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection();
        http.setInstanceFollowRedirects(false);
        http.setConnectTimeout((int) CONNECT_WITHIN.toMillis());
        http.setReadTimeout((int) answerWithin.toMillis());
        http.setRequestProperty("Accept", "application/fhir+ndjson");
        int status = http.getResponseCode();
        if (status != 200) {
            http.disconnect();
            throw new IOException(url + " answered HTTP " + status);
        }
        return http.getInputStream();
    }
}
