package org.carerecord.fhir.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** The validation tests' JSON files under {@code src/test/resources/validation/}, each an array of entries. */
final class ValidationRecords {

    private ValidationRecords() {}

    static List<JsonNode> entries(String file) {
        try (InputStream in = ValidationRecords.class.getResourceAsStream("/validation/" + file)) {
            List<JsonNode> entries = new ArrayList<>();
            new ObjectMapper().readTree(in).forEach(entries::add);
            return entries;
        } catch (IOException e) {
            throw new IllegalStateException("validation/" + file + " could not be read", e);
        }
    }
}
