package org.carerecord.security.token;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART on FHIR scope, e.g. {@code user/Condition.rs} (v2) or {@code system/*.read} (v1).
 * Granular v2 query parts ({@code ?category=...}) are kept for later narrowing.
 */
public record SmartScope(Context context, String resourceType, Set<Interaction> interactions, String query) {

    public enum Context {
        PATIENT,
        USER,
        SYSTEM
    }

    private static final Pattern SCOPE = Pattern.compile("^(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)(\\?.*)?$");

    public static Optional<SmartScope> parse(String scope) {
        Matcher m = SCOPE.matcher(scope);
        if (!m.matches()) {
            return Optional.empty();
        }
        Set<Interaction> interactions = interactions(m.group(3));
        if (interactions.isEmpty()) {
            return Optional.empty();
        }
        Context context = Context.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
        String query = m.group(4) == null ? null : m.group(4).substring(1);
        return Optional.of(new SmartScope(context, m.group(2), interactions, query));
    }

    private static Set<Interaction> interactions(String part) {
        switch (part) {
            case "read":
                return EnumSet.of(Interaction.READ, Interaction.SEARCH);
            case "write":
                return EnumSet.of(Interaction.CREATE, Interaction.UPDATE, Interaction.DELETE);
            case "*":
                return EnumSet.allOf(Interaction.class);
            default:
                break;
        }
        Set<Interaction> result = EnumSet.noneOf(Interaction.class);
        int last = -1;
        for (char c : part.toCharArray()) {
            Interaction match = null;
            for (Interaction i : Interaction.values()) {
                if (i.letter() == c) {
                    match = i;
                }
            }
            // v2 requires the letters in cruds order, each at most once
            if (match == null || match.ordinal() <= last) {
                return EnumSet.noneOf(Interaction.class);
            }
            last = match.ordinal();
            result.add(match);
        }
        return result;
    }

    public boolean covers(String type, Interaction interaction) {
        return ("*".equals(resourceType) || resourceType.equals(type)) && interactions.contains(interaction);
    }
}
