package org.carerecord.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Synthea transaction bundles as FHIR NDJSON for the bulk path: each entry's resource on a line, its id the
 * entry's {@code urn:uuid} (with a prefix, so the copy is new records), and references to other entries
 * rewritten from {@code urn:uuid:...} to {@code Type/id}. Conditional references
 * ({@code Practitioner?identifier=...}) are kept: the bulk path resolves them as a transaction does.
 */
final class SyntheaNdjson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SyntheaNdjson() {}

    static String of(List<String> bundles, String idPrefix) throws IOException {
        Map<String, String> typeOf = new HashMap<>();
        List<JsonNode> parsed = new java.util.ArrayList<>();
        for (String bundle : bundles) {
            JsonNode root = JSON.readTree(bundle);
            parsed.add(root);
            for (JsonNode entry : root.path("entry")) {
                typeOf.put(
                        entry.path("fullUrl").asText(),
                        entry.path("resource").path("resourceType").asText());
            }
        }
        StringBuilder ndjson = new StringBuilder();
        for (JsonNode root : parsed) {
            for (JsonNode entry : root.path("entry")) {
                ObjectNode resource = (ObjectNode) entry.path("resource");
                resource.put("id", idPrefix + uuid(entry.path("fullUrl").asText()));
                rewrite(resource, typeOf, idPrefix);
                ndjson.append(JSON.writeValueAsString(resource)).append('\n');
            }
        }
        return ndjson.toString();
    }

    private static void rewrite(JsonNode node, Map<String, String> typeOf, String idPrefix) {
        if (node instanceof ObjectNode object) {
            JsonNode reference = object.get("reference");
            if (reference != null && reference.isTextual() && reference.asText().startsWith("urn:uuid:")) {
                String target = reference.asText();
                object.set("reference", new TextNode(typeOf.get(target) + "/" + idPrefix + uuid(target)));
            }
            Iterator<JsonNode> children = object.elements();
            while (children.hasNext()) {
                rewrite(children.next(), typeOf, idPrefix);
            }
        } else if (node.isArray()) {
            node.forEach(child -> rewrite(child, typeOf, idPrefix));
        }
    }

    private static String uuid(String fullUrl) {
        return fullUrl.substring("urn:uuid:".length());
    }
}
