package org.carerecord.fhir.ingest.bulk;

import com.carrotsearch.hppc.LongLongHashMap;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

/**
 * The line each record of one import is first on. An import holds one version of a record: two lines with the same
 * type and id would both be written, in whichever order their chunks ran, and importing the files again would
 * flip the record between them ({@code $load} refuses the same). Every later line of a record is refused, naming
 * the first, whether or not the first is valid: the rule is about the files, and the same files get the same
 * answer.
 *
 * <p>Kept as a 64-bit keyed hash of "type/id" per record (a job may hold millions), so two records collide
 * with odds of about n² in 2⁶⁵ (one in ten million at two million records), and a provider cannot choose ids
 * that collide: the key is random per reading.
 */
final class RecordLines {

    private static final JsonFactory JSON = new JsonFactory();
    /** Line numbers up to 2⁴⁰ with the input's index above them. */
    private static final int LINE_BITS = 40;

    private final HashFunction hash;
    private final List<String> urls;
    private final LongLongHashMap firstLine = new LongLongHashMap();

    RecordLines(List<String> urls) {
        SecureRandom random = new SecureRandom();
        this.hash = Hashing.sipHash24(random.nextLong(), random.nextLong());
        this.urls = urls;
    }

    /**
     * Why this line may not be imported, as a record already on an earlier line of this import; or null (the first
     * line of its record, or a line without a type and id, which the write step refuses with the parser's reason).
     */
    String again(int input, long line, String json) {
        String record = typeAndId(json);
        if (record == null) {
            return null;
        }
        long key = hash.hashString(record, StandardCharsets.UTF_8).asLong();
        long here = ((long) input << LINE_BITS) | line;
        int slot = firstLine.indexOf(key);
        if (!firstLine.indexExists(slot)) {
            firstLine.indexInsert(slot, key, here);
            return null;
        }
        long first = firstLine.indexGet(slot);
        return record + " is on line " + (first & ((1L << LINE_BITS) - 1)) + " of "
                + urls.get((int) (first >>> LINE_BITS))
                + " too: an import holds one version of a record (importing it again must change nothing)";
    }

    /** "Type/id" from the line's top-level fields, read without building the resource; null if either is missing. */
    static String typeAndId(String json) {
        String type = null;
        String id = null;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            // read no further than both fields: the rest of the line is the write step's to check
            while ((type == null || id == null) && parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING && "resourceType".equals(name)) {
                    type = parser.getText();
                } else if (value == JsonToken.VALUE_STRING && "id".equals(name)) {
                    id = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException notJson) {
            return null;
        }
        return type == null || id == null ? null : type + "/" + id;
    }
}
