package org.carerecord.idp.persona;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** Looks personas up by id; {@code patient.<id>} personas exist for every patient id. */
@Component
public class Personas {

    static final String PATIENT_PREFIX = "patient.";

    private final Map<String, Persona> byId;
    private final PersonaProperties properties;

    public Personas(PersonaProperties properties) {
        this.properties = properties;
        this.byId = properties.personas().stream().collect(Collectors.toMap(Persona::id, Function.identity()));
    }

    public Optional<Persona> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        if (id.startsWith(PATIENT_PREFIX) && id.length() > PATIENT_PREFIX.length()) {
            String patientId = id.substring(PATIENT_PREFIX.length());
            if (!patientId.matches("[A-Za-z0-9\\-.]{1,64}")) {
                return Optional.empty();
            }
            return Optional.of(new Persona(
                    id, null, "Patient/" + patientId, null, null, "PATRQT", patientId, properties.patientScopes()));
        }
        return Optional.ofNullable(byId.get(id));
    }
}
