package org.carerecord.audit.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.RestClientException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The role policy under governance, in the console: what is in force and its history; a proposal in plain terms
 * (a role may also, or no longer, see some record types; the break-glass window), replayed over past decisions to
 * show what it would have changed; approval by a Caldicott Guardian other than the proposer; restoring an
 * earlier version. consent-service holds the policy and does each of these (and writes them to the trail).
 */
@Controller
class PolicyPages {

    private final ConsentServiceClient consent;
    private final ConsoleTime time;

    PolicyPages(ConsentServiceClient consent, ConsoleTime time) {
        this.consent = consent;
        this.time = time;
    }

    @GetMapping("/policy")
    String policy(
            Model model,
            @RegisteredOAuth2AuthorizedClient(ConsoleSecurityConfig.SIGN_IN) OAuth2AuthorizedClient officer) {
        try {
            JsonNode current = consent.policy(officer, "");
            model.addAttribute("current", current);
            model.addAttribute("roles", roles(current.path("policy")));
            model.addAttribute("history", consent.policy(officer, "/versions"));
            model.addAttribute("proposals", consent.policy(officer, "/proposals"));
        } catch (RestClientException e) {
            model.addAttribute("problem", "consent-service, which holds the role policy, could not be reached.");
        }
        return "policy";
    }

    @PostMapping("/policy/proposals")
    String propose(
            @RequestParam String title,
            @RequestParam(required = false) String rationale,
            @RequestParam String role,
            @RequestParam(required = false) String add,
            @RequestParam(required = false) String remove,
            @RequestParam(required = false) Integer breakGlassMinutes,
            @RequestParam(required = false) String barOrganisation,
            @RequestParam(required = false) String barReason,
            @RequestParam(required = false) Integer refusalsAlertCount,
            @RequestParam(required = false) Integer refusalsAlertMinutes,
            @RegisteredOAuth2AuthorizedClient(ConsoleSecurityConfig.SIGN_IN) OAuth2AuthorizedClient officer,
            RedirectAttributes redirect) {
        ObjectNode policy = consent.policy(officer, "").path("policy").deepCopy();
        if (!(policy.at("/roles/" + role) instanceof ObjectNode)) {
            redirect.addFlashAttribute("error", "Choose a role the policy has");
            return "redirect:/policy";
        }
        ArrayNode types = (ArrayNode) policy.at("/roles/" + role + "/resourceTypes");
        List<String> now = new ArrayList<>();
        types.forEach(t -> now.add(t.asText()));
        names(add).stream().filter(t -> !now.contains(t)).forEach(now::add);
        now.removeAll(names(remove));
        types.removeAll();
        now.forEach(types::add);
        if (breakGlassMinutes != null) {
            ((ObjectNode) policy.path("breakGlass")).put("windowMinutes", breakGlassMinutes);
        }
        if (barOrganisation != null && !barOrganisation.isBlank()) {
            ArrayNode bars = policy.has("organisationBars")
                    ? (ArrayNode) policy.path("organisationBars")
                    : policy.putArray("organisationBars");
            bars.addObject()
                    .put("organisation", barOrganisation.strip().toUpperCase(java.util.Locale.ROOT))
                    .put("reason", barReason == null ? "" : barReason.strip());
        }
        if (refusalsAlertCount != null || refusalsAlertMinutes != null) {
            ObjectNode alerts = policy.has("alerts") ? (ObjectNode) policy.path("alerts") : policy.putObject("alerts");
            ObjectNode refusals = alerts.has("repeatedRefusals")
                    ? (ObjectNode) alerts.path("repeatedRefusals")
                    : alerts.putObject("repeatedRefusals");
            if (refusalsAlertCount != null) {
                refusals.put("count", refusalsAlertCount);
            }
            if (refusalsAlertMinutes != null) {
                refusals.put("windowMinutes", refusalsAlertMinutes);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("rationale", rationale);
        body.put("policy", policy);
        JsonNode answer = consent.policyAction(officer, "/proposals", body);
        if (answer.has("error")) {
            redirect.addFlashAttribute("error", answer.path("error").asText());
            return "redirect:/policy";
        }
        return "redirect:/policy/proposals/" + answer.path("id").asText();
    }

    @GetMapping("/policy/proposals/{id}")
    String proposal(
            @PathVariable UUID id,
            Model model,
            @RegisteredOAuth2AuthorizedClient(ConsoleSecurityConfig.SIGN_IN) OAuth2AuthorizedClient officer) {
        ObjectNode proposal = consent.policy(officer, "/proposals/" + id).deepCopy();
        if (proposal.path("simulation") instanceof ObjectNode simulation) {
            // times as the rest of the console shows them: in the region's zone, to the minute
            for (String field : List.of("from", "to")) {
                simulation.put(
                        field,
                        time.format(
                                java.time.Instant.parse(simulation.path(field).asText())));
            }
            simulation.path("examples").forEach(e -> {
                List<String> types = new ArrayList<>();
                e.path("resourceTypes").forEach(t -> types.add(t.asText()));
                ((ObjectNode) e)
                        .put(
                                "decidedAt",
                                time.format(java.time.Instant.parse(
                                        e.path("decidedAt").asText())))
                        .put("types", String.join(", ", types));
            });
        }
        JsonNode current = consent.policy(officer, "");
        model.addAttribute("proposal", proposal);
        model.addAttribute("changes", changes(current.path("policy"), proposal.path("policy")));
        model.addAttribute("current", current);
        return "policy-proposal";
    }

    @PostMapping("/policy/proposals/{id}/{action}")
    String act(
            @PathVariable UUID id,
            @PathVariable String action,
            @RequestParam(required = false) String note,
            @RequestParam(defaultValue = "30") int days,
            @RegisteredOAuth2AuthorizedClient(ConsoleSecurityConfig.SIGN_IN) OAuth2AuthorizedClient officer,
            RedirectAttributes redirect) {
        JsonNode answer = switch (action) {
            case "simulate" ->
                // whose refusals would cross the repeated-refusals alert: each policy's own threshold (the policy's
                // "alerts", which the detector follows once approved)
                consent.policyAction(officer, "/proposals/" + id + "/simulate?days=" + days, "");
            case "approve", "reject" ->
                consent.policyAction(
                        officer, "/proposals/" + id + "/" + action, Map.of("note", note == null ? "" : note));
            default -> null;
        };
        if (answer == null) {
            return "redirect:/policy/proposals/" + id;
        }
        if (answer.has("error")) {
            redirect.addFlashAttribute("error", answer.path("error").asText());
        } else {
            redirect.addFlashAttribute(
                    "done",
                    switch (action) {
                        case "simulate" ->
                            "Replayed "
                                    + String.format(
                                            "%,d", answer.path("replayed").asLong()) + " past decisions";
                        case "approve" ->
                            "Approved: version " + answer.path("version").asText() + " is now in force";
                        default -> "Rejected";
                    });
        }
        return "redirect:/policy/proposals/" + id;
    }

    @PostMapping("/policy/versions/{version}/restore")
    String restore(
            @PathVariable String version,
            @RequestParam(required = false) String note,
            @RegisteredOAuth2AuthorizedClient(ConsoleSecurityConfig.SIGN_IN) OAuth2AuthorizedClient officer,
            RedirectAttributes redirect) {
        JsonNode answer = consent.policyAction(
                officer, "/versions/" + version + "/restore", Map.of("note", note == null ? "" : note));
        redirect.addFlashAttribute(
                answer.has("error") ? "error" : "done",
                answer.has("error")
                        ? answer.path("error").asText()
                        : "Version " + version + " restored, in force as "
                                + answer.path("version").asText());
        return "redirect:/policy";
    }

    /** Each role in the policy: code, name, the record types it may see. */
    record Role(String code, String name, List<String> types, boolean mayBreakGlass) {}

    private static List<Role> roles(JsonNode policy) {
        List<Role> roles = new ArrayList<>();
        policy.path("roles").fields().forEachRemaining(e -> {
            List<String> types = new ArrayList<>();
            e.getValue().path("resourceTypes").forEach(t -> types.add(t.asText()));
            roles.add(new Role(
                    e.getKey(),
                    e.getValue().path("name").asText(),
                    types,
                    e.getValue().path("mayBreakGlass").asBoolean()));
        });
        return roles;
    }

    /** What the proposal changes, in words: per role the types added and removed, and the settings changed. */
    static List<String> changes(JsonNode current, JsonNode proposed) {
        List<String> changes = new ArrayList<>();
        Map<String, Role> now = new LinkedHashMap<>();
        roles(current).forEach(r -> now.put(r.code(), r));
        for (Role role : roles(proposed)) {
            Role was = now.remove(role.code());
            if (was == null) {
                changes.add("New role " + role.code() + " (" + role.name() + ") may see "
                        + String.join(", ", role.types()));
                continue;
            }
            List<String> added =
                    role.types().stream().filter(t -> !was.types().contains(t)).toList();
            List<String> removed =
                    was.types().stream().filter(t -> !role.types().contains(t)).toList();
            if (!added.isEmpty()) {
                changes.add(role.name() + " (" + role.code() + ") may also see " + String.join(", ", added));
            }
            if (!removed.isEmpty()) {
                changes.add(role.name() + " (" + role.code() + ") may no longer see " + String.join(", ", removed));
            }
        }
        now.values().forEach(r -> changes.add("Role " + r.code() + " (" + r.name() + ") removed: no access"));
        Map<String, String> barsNow = bars(current);
        bars(proposed).forEach((organisation, reason) -> {
            if (barsNow.remove(organisation) == null) {
                changes.add("Organisation " + organisation + " barred from the record: " + reason);
            }
        });
        barsNow.keySet().forEach(organisation -> changes.add("Organisation " + organisation + " no longer barred"));
        for (String setting : List.of(
                "/breakGlass/windowMinutes",
                "/breakGlass/overridesOptOut",
                "/relationship/recentWindowDays",
                "/alerts/repeatedRefusals/count",
                "/alerts/repeatedRefusals/windowMinutes",
                "/alerts/manyPatients/count",
                "/alerts/manyPatients/windowMinutes",
                "/alerts/breakGlass/count",
                "/alerts/breakGlass/windowMinutes")) {
            if (!current.at(setting).equals(proposed.at(setting))) {
                changes.add(setting.substring(1).replace('/', '.') + ": " + current.at(setting) + " → "
                        + proposed.at(setting));
            }
        }
        if (changes.isEmpty()) {
            changes.add("No change from the policy in force");
        }
        return changes;
    }

    private static Map<String, String> bars(JsonNode policy) {
        Map<String, String> bars = new LinkedHashMap<>();
        policy.path("organisationBars")
                .forEach(bar -> bars.put(
                        bar.path("organisation").asText(), bar.path("reason").asText()));
        return bars;
    }

    private static List<String> names(String list) {
        return list == null
                ? List.of()
                : Arrays.stream(list.split("[,\\s]+"))
                        .map(String::strip)
                        .filter(t -> !t.isEmpty())
                        .toList();
    }
}
