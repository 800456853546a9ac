package org.carerecord.security.token;

import java.util.Map;

/** Plain names of the national RBAC job roles the record knows, for people rather than machines. */
public final class NhsRoles {

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("R8000", "Clinical Practitioner"),
            Map.entry("R8001", "Nurse"),
            Map.entry("R8003", "Health Professional"),
            Map.entry("R8004", "Healthcare Student"),
            Map.entry("R8006", "Medical Secretary"),
            Map.entry("R8008", "Admin/Clinical Support"),
            Map.entry("R8009", "Receptionist"),
            Map.entry("R8010", "Clerical"),
            Map.entry("R0001", "Privacy Officer"),
            Map.entry("R5105", "Caldicott Guardian"),
            Map.entry("R0243", "Social Care Practitioner"));

    private NhsRoles() {}

    public static String name(String code) {
        if (code == null) {
            return "care-provider system";
        }
        return NAMES.getOrDefault(code, "role " + code);
    }
}
