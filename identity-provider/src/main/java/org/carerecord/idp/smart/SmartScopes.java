package org.carerecord.idp.smart;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.carerecord.security.token.SmartScope;

/**
 * Which scopes a SMART app may ask for, and what a user's sign-in grants of them. An app asks for what it
 * wants; the user holds what their role allows (the persona's scopes); the token gets the overlap. A clinician
 * holding {@code user/*.rs} grants an app {@code patient/Condition.rs} (their own access narrowed to the
 * patient in context); a locum holding {@code user/Condition.rs?category=encounter-diagnosis} asked for
 * {@code patient/*.rs} grants {@code patient/Condition.rs?category=encounter-diagnosis} (what they hold,
 * within what was asked). Nothing is ever widened.
 */
public final class SmartScopes {

    /** Scopes that grant no data but ask for identity, launch context or a refresh token. */
    public static final Set<String> CONTEXT = Set.of(
            "openid",
            "profile",
            "fhirUser",
            "launch",
            "launch/patient",
            "launch/encounter",
            "offline_access",
            "online_access");

    private SmartScopes() {}

    /** True for a scope a SMART app may ask for: identity, context, or a user- or patient-level data scope. */
    public static boolean askable(String scope) {
        return CONTEXT.contains(scope)
                || SmartScope.parse(scope)
                        .filter(s -> s.context() != SmartScope.Context.SYSTEM)
                        .isPresent();
    }

    /** The data scopes the user grants of those asked for, in the context (patient/ or user/) they were asked in. */
    public static List<String> grant(Collection<String> asked, Collection<String> held) {
        List<SmartScope> holds = held.stream()
                .map(SmartScope::parse)
                .flatMap(Optional::stream)
                .filter(s -> s.context() != SmartScope.Context.SYSTEM)
                .toList();
        Set<String> granted = new LinkedHashSet<>();
        for (String scope : asked) {
            Optional<SmartScope> wanted = SmartScope.parse(scope);
            if (wanted.isEmpty() || wanted.get().context() == SmartScope.Context.SYSTEM) {
                continue;
            }
            SmartScope want = wanted.get();
            if (holds.stream().anyMatch(h -> within(want, h))) {
                granted.add(scope);
                continue;
            }
            // what the user holds inside what was asked, re-expressed in the asked context
            for (SmartScope h : holds) {
                if (h.context() != SmartScope.Context.USER && h.context() != want.context()) {
                    continue; // a patient-level holding never becomes user-level access
                }
                SmartScope narrowed = new SmartScope(want.context(), h.resourceType(), h.interactions(), h.query());
                if (within(narrowed, want) && h.interactions().containsAll(want.interactions())) {
                    granted.add(render(narrowed, scope));
                }
            }
        }
        return new ArrayList<>(granted);
    }

    /** True when every access {@code inner} gives, {@code outer} gives too (a patient context is within a user one). */
    static boolean within(SmartScope inner, SmartScope outer) {
        boolean context = outer.context() == inner.context() || outer.context() == SmartScope.Context.USER;
        boolean type = "*".equals(outer.resourceType()) || outer.resourceType().equals(inner.resourceType());
        boolean query = outer.query() == null || outer.query().equals(inner.query());
        return context && type && query && outer.interactions().containsAll(inner.interactions());
    }

    private static String render(SmartScope scope, String askedAs) {
        String suffix = askedAs.substring(askedAs.indexOf('.') + 1);
        int q = suffix.indexOf('?');
        String interactions = q < 0 ? suffix : suffix.substring(0, q);
        return scope.context().name().toLowerCase(java.util.Locale.ROOT) + "/" + scope.resourceType() + "."
                + interactions + (scope.query() == null ? "" : "?" + scope.query());
    }
}
