package org.carerecord.audit.records;

import java.util.List;

/**
 * A patient as the console names them (name, NHS number) and as the family-lookup rule compares them (surnames and
 * addresses: line 1 and postcode).
 */
public record PatientDemographics(String name, String nhsNumber, List<String> families, List<Address> addresses) {

    public PatientDemographics(List<String> families, List<Address> addresses) {
        this(null, null, families, addresses);
    }

    public record Address(String line, String postalCode) {}
}
