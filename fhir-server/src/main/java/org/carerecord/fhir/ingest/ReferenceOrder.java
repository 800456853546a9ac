package org.carerecord.fhir.ingest;

import java.util.List;

/**
 * The order a bulk write puts types in so that what a record refers to is stored before it (referential
 * integrity is checked on write), one tier after another: organisations, then practitioners, places and
 * medications, patients, devices and episodes, their encounters, clinical records, what refers to those
 * (a procedure's reasons, a report's results, a plan's conditions), claims, their explanations, and provenance,
 * which may point at anything. Within a tier no type refers to another in it. Found by importing Synthea's
 * records: with procedures beside the conditions they give as reasons, 264 procedures waited for conditions
 * queued behind them. {@code $import} writes a tier at a time ({@code bulk.BulkImportJob}); {@code $load} one
 * type at a time in {@link #SEQUENCE}.
 */
public final class ReferenceOrder {

    public static final List<List<String>> TIERS = List.of(
            List.of("Organization"),
            List.of("Location", "Practitioner", "Medication"),
            List.of("PractitionerRole", "Patient"),
            List.of("Device", "EpisodeOfCare"),
            List.of("Encounter"),
            List.of(
                    "Condition",
                    "AllergyIntolerance",
                    "Observation",
                    "Immunization",
                    "MedicationRequest",
                    "MedicationStatement",
                    "CareTeam",
                    "DocumentReference",
                    "ImagingStudy"),
            List.of("Procedure", "MedicationAdministration", "DiagnosticReport", "CarePlan"),
            List.of("Claim", "SupplyDelivery"),
            List.of("ExplanationOfBenefit"),
            List.of("Provenance"));

    /** Every type of {@link #TIERS}, tier after tier. */
    public static final List<String> SEQUENCE =
            TIERS.stream().flatMap(List::stream).toList();

    private ReferenceOrder() {}
}
