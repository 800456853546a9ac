package org.carerecord.consent.directive;

import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.decision.SensitiveCategory;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.Reference;

/**
 * A patient's directives in force at one moment, read from their Consent resources, each wish keeping the
 * Consent that expresses it (so a decision can name it):
 * <ul>
 *   <li>opt-out — a blanket deny (see {@link DirectiveRules#isOptOut});</li>
 *   <li>restricted categories — a deny provision carrying a security label or a SNOMED concept of a
 *       {@link SensitiveCategory};</li>
 *   <li>denied / permitted organisations — a deny or permit provision whose actor is an organisation
 *       (ODS identifier, or a reference {@code Organization/<ODS code>}).</li>
 * </ul>
 * Provisions may be the base provision or nested one level below a base permit, with their own periods.
 */
public record PatientWishes(
        Optional<String> optOut,
        Map<SensitiveCategory, String> restrictedCategories,
        Map<String, String> deniedOrganisations,
        Map<String, String> permittedOrganisations) {

    public static PatientWishes of(List<Consent> directives, Date now) {
        String optOut = null;
        Map<SensitiveCategory, String> restricted = new EnumMap<>(SensitiveCategory.class);
        Map<String, String> denied = new LinkedHashMap<>();
        Map<String, String> permitted = new LinkedHashMap<>();
        for (Consent consent : directives) {
            if (consent.getStatus() != Consent.ConsentState.ACTIVE || !inForce(consent.getProvision(), now)) {
                continue;
            }
            String ref = "Consent/" + consent.getIdElement().getIdPart();
            if (DirectiveRules.isOptOut(consent, now)) {
                optOut = optOut == null ? ref : optOut;
                continue;
            }
            List<ProvisionComponent> provisions = new java.util.ArrayList<>();
            provisions.add(consent.getProvision());
            consent.getProvision().getProvision().stream()
                    .filter(p -> inForce(p, now))
                    .forEach(provisions::add);
            for (ProvisionComponent provision : provisions) {
                if (!provision.hasType()) {
                    continue;
                }
                boolean deny = provision.getType() == ConsentProvisionType.DENY;
                List<SensitiveCategory> categories = categories(provision);
                if (deny) {
                    categories.forEach(c -> restricted.putIfAbsent(c, ref));
                }
                for (String ods : organisations(provision)) {
                    if (deny && categories.isEmpty()) {
                        denied.putIfAbsent(ods, ref);
                    } else if (!deny) {
                        permitted.putIfAbsent(ods, ref);
                    }
                }
            }
        }
        return new PatientWishes(Optional.ofNullable(optOut), restricted, denied, permitted);
    }

    private static boolean inForce(ProvisionComponent provision, Date now) {
        return !provision.hasPeriod()
                || ((provision.getPeriod().getStart() == null
                                || !provision.getPeriod().getStart().after(now))
                        && (provision.getPeriod().getEnd() == null
                                || provision.getPeriod().getEnd().after(now)));
    }

    private static List<SensitiveCategory> categories(ProvisionComponent provision) {
        java.util.Set<SensitiveCategory> found = SensitiveCategory.none();
        for (Coding label : provision.getSecurityLabel()) {
            SensitiveCategory.ofLabel(label.getSystem(), label.getCode()).ifPresent(found::add);
        }
        for (CodeableConcept code : provision.getCode()) {
            for (Coding coding : code.getCoding()) {
                SensitiveCategory.ofConcept(coding.getSystem(), coding.getCode())
                        .ifPresent(found::add);
                SensitiveCategory.ofLabel(coding.getSystem(), coding.getCode()).ifPresent(found::add);
            }
        }
        return List.copyOf(found);
    }

    private static List<String> organisations(ProvisionComponent provision) {
        return provision.getActor().stream()
                .map(Consent.provisionActorComponent::getReference)
                .map(PatientWishes::odsCode)
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    private static String odsCode(Reference reference) {
        if (reference.hasIdentifier()
                && AuditVocabulary.ODS_SYSTEM.equals(reference.getIdentifier().getSystem())) {
            return reference.getIdentifier().getValue();
        }
        var id = reference.getReferenceElement();
        return "Organization".equals(id.getResourceType()) && id.hasIdPart() ? id.getIdPart() : null;
    }
}
