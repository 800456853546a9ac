package org.carerecord.audit.records;

import java.util.List;

/** What the family-lookup rule compares: a patient's surnames and addresses (line 1 and postcode). */
public record PatientDemographics(List<String> families, List<Address> addresses) {

    public record Address(String line, String postalCode) {}
}
