package org.carerecord.security.decision;

import java.util.regex.Pattern;

/**
 * A reason a user states to open records they would otherwise not see — a break-glass reason, a stated care
 * relationship — is read later by a reviewer: it must be words, at least {@link #SHORTEST} characters with two
 * words of letters, not "." or whitespace. One rule for fhir-server (which refuses such a request before anything
 * is decided) and consent-service (which never grants on one, whatever path asked).
 */
public final class StatedReason {

    public static final int SHORTEST = 10;
    private static final Pattern WORD = Pattern.compile("\\p{L}{2,}");

    private StatedReason() {}

    public static boolean readable(String reason) {
        if (reason == null) {
            return false;
        }
        String trimmed = reason.strip();
        return trimmed.length() >= SHORTEST
                && WORD.matcher(trimmed).results().limit(2).count() == 2;
    }
}
