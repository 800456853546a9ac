package org.carerecord.e2e.support;

/** Test records, shaped as a provider's system would send them. */
public final class Bundles {

    private Bundles() {}

    /**
     * A patient registered with GP practice A81001, with a diagnosis, a medication and an admission that
     * ended yesterday (so the pushing hospital has a recent care relationship), all created conditionally
     * by identifier.
     */
    public static String admission(String nhsNumber, String org) {
        return """
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"fullUrl":"urn:uuid:6f1c1b1e-0000-4000-8000-000000000001",
              "resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%1$s"}],
                          "name":[{"family":"Test","given":["Skeleton"]}],"gender":"female","birthDate":"1970-01-01",
                          "generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}}]},
              "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=https://fhir.nhs.uk/Id/nhs-number|%1$s"}},
             {"fullUrl":"urn:uuid:6f1c1b1e-0000-4000-8000-000000000002",
              "resource":{"resourceType":"Condition","identifier":[{"system":"https://%2$s.example/condition","value":"c-%1$s"}],
                          "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
                          "code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006","display":"Diabetes mellitus type 2"}]},
                          "subject":{"reference":"urn:uuid:6f1c1b1e-0000-4000-8000-000000000001"}},
              "request":{"method":"POST","url":"Condition","ifNoneExist":"identifier=https://%2$s.example/condition|c-%1$s"}},
             {"fullUrl":"urn:uuid:6f1c1b1e-0000-4000-8000-000000000003",
              "resource":{"resourceType":"MedicationRequest","identifier":[{"system":"https://%2$s.example/mr","value":"m-%1$s"}],
                          "status":"active","intent":"order",
                          "medicationCodeableConcept":{"coding":[{"system":"https://dmd.nhs.uk","code":"42164011000001101","display":"Metformin 500mg tablets"}]},
                          "subject":{"reference":"urn:uuid:6f1c1b1e-0000-4000-8000-000000000001"}},
              "request":{"method":"POST","url":"MedicationRequest","ifNoneExist":"identifier=https://%2$s.example/mr|m-%1$s"}},
             {"fullUrl":"urn:uuid:6f1c1b1e-0000-4000-8000-000000000004",
              "resource":{"resourceType":"Encounter","identifier":[{"system":"https://%2$s.example/enc","value":"e-%1$s"}],
                          "status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},
                          "subject":{"reference":"urn:uuid:6f1c1b1e-0000-4000-8000-000000000001"},
                          "period":{"start":"%3$s","end":"%4$s"}},
              "request":{"method":"POST","url":"Encounter","ifNoneExist":"identifier=https://%2$s.example/enc|e-%1$s"}}
            ]}""".formatted(nhsNumber, org.toLowerCase(), daysAgo(3), daysAgo(1));
    }

    public static java.time.Instant daysAgo(int days) {
        return java.time.Instant.now()
                .minus(java.time.Duration.ofDays(days))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    /** The patient's bar on one organisation: shared with everyone else, not with {@code ods}. */
    public static String organisationBar(String patientId, String ods) {
        return """
            {"resourceType":"Consent","status":"active",
             "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
             "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
             "patient":{"reference":"Patient/%s"},
             "provision":{"type":"permit","provision":[{"type":"deny",
               "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
                         "reference":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"%s"}}}]}]}}""".formatted(patientId, ods);
    }

    /** The patient's opt-out of sharing: an active Consent whose only provision denies. */
    public static String optOut(String patientId) {
        return """
            {"resourceType":"Consent","status":"active",
             "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
             "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0","display":"Patient Consent"}]}],
             "patient":{"reference":"Patient/%s"},
             "provision":{"type":"deny"}}""".formatted(patientId);
    }
}
