package org.carerecord.fhir.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The R4 core's invariants that can refuse a record (error-level, as {@link RefusingInvariantsOnly} keeps them), in
 * Java over a record's JSON, for {@link StructuralCheck}. Each says true only where the FHIRPath expression is sure
 * to be true; where it could be false or empty (a comparison of dates of different precision), false, and HL7's
 * validator decides. Two are decided on the whole record by the check itself: dom-3 and ref-1.
 */
final class InvariantsInJava {

    private InvariantsInJava() {}

    /** Whether the invariant surely holds on this element; false for one without a Java form here. */
    static boolean holds(String invariant, JsonNode node) {
        return switch (invariant) {
            case "dom-2" -> every(node.get("contained"), c -> !c.has("contained"));
            case "dom-3" -> true; // every contained id referred to: checked once the whole record is read
            case "dom-4" ->
                every(
                        node.get("contained"),
                        c -> !c.path("meta").has("versionId") && !c.path("meta").has("lastUpdated"));
            case "dom-5" -> every(node.get("contained"), c -> !c.path("meta").has("security"));
            case "ext-1" -> node.has("extension") != hasValue(node);
            case "ref-1" -> true; // a local reference must name a contained resource: checked at the end
            case "per-1" -> notAfter(node.get("start"), node.get("end"));
            case "qty-3" -> !node.has("code") || node.has("system");
            case "cpt-2" -> !node.has("value") || node.has("system");
            case "att-1" -> !node.has("data") || node.has("contentType");
            case "obs-3" -> node.has("low") || node.has("high") || node.has("text");
            case "obs-6" -> !node.has("dataAbsentReason") || !hasValue(node);
            case "obs-7" -> !hasValue(node) || !node.has("component");
            case "pat-1" -> node.has("name") || node.has("telecom") || node.has("address") || node.has("organization");
            case "con-4" -> !hasAbatement(node) || conditionInactive(node.get("clinicalStatus"));
            case "con-1" -> node.has("summary") || node.has("assessment");
            case "con-2" -> node.has("code") || node.has("detail");
            case "con-5" ->
                !hasCode(node.get("verificationStatus"), CONDITION_VERIFICATION, "entered-in-error")
                        || !node.has("clinicalStatus");
            case "ait-1" ->
                hasCode(node.get("verificationStatus"), ALLERGY_VERIFICATION, "entered-in-error")
                        || node.has("clinicalStatus");
            case "ait-2" ->
                !hasCode(node.get("verificationStatus"), ALLERGY_VERIFICATION, "entered-in-error")
                        || !node.has("clinicalStatus");
            case "imm-1" -> node.has("documentType") || node.has("reference");
            case "cpl-3" -> !node.has("detail") || !node.has("reference");
            case "mad-1" -> node.has("dose") || node.has("rate");
            case "org-1" -> node.has("identifier") || node.has("name");
            case "prr-1" -> !node.has("orderDetail") || node.has("code");
            case "org-2", "org-3" -> !"home".equals(node.path("use").asText(null)); // where(use = 'home').empty()
            case "ctm-1" -> !node.has("onBehalfOf");
            case "tim-1" -> !node.has("duration") || node.has("durationUnit");
            case "tim-2" -> !node.has("period") || node.has("periodUnit");
            case "tim-4" -> notNegative(node.get("duration"));
            case "tim-5" -> notNegative(node.get("period"));
            case "tim-6" -> !node.has("periodMax") || node.has("period");
            case "tim-7" -> !node.has("durationMax") || node.has("duration");
            case "tim-8" -> !node.has("countMax") || node.has("count");
            case "tim-9" ->
                !node.has("offset")
                        || node.has("when")
                                && every(
                                        node.get("when"),
                                        w -> !Set.of("C", "CM", "CD", "CV").contains(w.asText()));
            case "tim-10" -> !node.has("timeOfDay") || !node.has("when");
            default -> false;
        };
    }

    private static final String CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private static final String CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private static final String ALLERGY_VERIFICATION =
            "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

    private static boolean notNegative(JsonNode number) {
        return number == null || number.isNumber() && number.decimalValue().signum() >= 0;
    }

    private static boolean every(JsonNode array, Predicate<JsonNode> test) {
        if (array == null) {
            return true;
        }
        for (JsonNode item : array) {
            if (!test.test(item)) {
                return false;
            }
        }
        return true;
    }

    /** Whether an element holds a value[x] (Observation, Extension). */
    private static boolean hasValue(JsonNode node) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            if (names.next().startsWith("value")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasAbatement(JsonNode condition) {
        for (Iterator<String> names = condition.fieldNames(); names.hasNext(); ) {
            if (names.next().startsWith("abatement")) {
                return true;
            }
        }
        return false;
    }

    private static boolean conditionInactive(JsonNode clinicalStatus) {
        return hasCode(clinicalStatus, CONDITION_CLINICAL, "resolved")
                || hasCode(clinicalStatus, CONDITION_CLINICAL, "remission")
                || hasCode(clinicalStatus, CONDITION_CLINICAL, "inactive");
    }

    private static boolean hasCode(JsonNode concept, String system, String code) {
        if (concept == null) {
            return false;
        }
        for (JsonNode coding : concept.path("coding")) {
            if (system.equals(coding.path("system").asText(null))
                    && code.equals(coding.path("code").asText(null))) {
                return true;
            }
        }
        return false;
    }

    /**
     * per-1, start &lt;= end, shown only where FHIRPath's comparison is sure: both dates of the same precision, or
     * both times to the second with the same fraction digits. Otherwise not shown (HL7 decides).
     */
    private static boolean notAfter(JsonNode start, JsonNode end) {
        if (start == null || end == null) {
            return true;
        }
        String from = start.asText();
        String to = end.asText();
        if (PrimitiveForms.DATE.matcher(from).matches()
                && PrimitiveForms.DATE.matcher(to).matches()) {
            return from.length() == to.length() && from.compareTo(to) <= 0;
        }
        if (!PrimitiveForms.DATE_TIME.matcher(from).matches()
                || !PrimitiveForms.DATE_TIME.matcher(to).matches()
                || PrimitiveForms.fractionDigits(from) != PrimitiveForms.fractionDigits(to)) {
            return false;
        }
        return !OffsetDateTime.parse(from).isAfter(OffsetDateTime.parse(to));
    }
}
