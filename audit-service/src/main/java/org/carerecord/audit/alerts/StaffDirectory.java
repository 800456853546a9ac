package org.carerecord.audit.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.core.io.Resource;

/**
 * Staff surnames and home addresses by user id, for the family-lookup rule. In production this is an
 * extract of the workforce system (ESR) that the governance team refreshes; the demo ships one naming
 * a ward clerk who lives with a demo patient.
 */
final class StaffDirectory {

    public record Staff(String user, String family, String line, String postalCode) {}

    private final Map<String, Staff> byUser;

    private StaffDirectory(List<Staff> staff) {
        this.byUser = staff.stream().collect(Collectors.toMap(Staff::user, Function.identity(), (a, b) -> b));
    }

    public static StaffDirectory read(Resource resource) {
        if (resource == null || !resource.exists()) {
            return new StaffDirectory(List.of());
        }
        try (InputStream in = resource.getInputStream()) {
            return new StaffDirectory(List.of(new ObjectMapper().readValue(in, Staff[].class)));
        } catch (IOException e) {
            throw new IllegalStateException("staff directory " + resource + " is not readable: " + e.getMessage(), e);
        }
    }

    public Optional<Staff> find(String user) {
        return Optional.ofNullable(byUser.get(user));
    }

    public boolean isEmpty() {
        return byUser.isEmpty();
    }
}
