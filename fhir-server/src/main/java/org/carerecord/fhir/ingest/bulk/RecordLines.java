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
import java.util.regex.Pattern;

/**
 * The line each record of one import is first on. An import holds one version of a record: two lines with the same
 * type and id would both be written, in whichever order their chunks ran, and importing the files again would
 * flip the record between them ({@code $load} refuses the same). Every later line of a record is refused, naming
 * the first, whether or not the first passes the write step's checks: the rule is about the files, and the same
 * files get the same answer. (A line refused as it is read, for a NUL or bytes that are not UTF-8, is not taken as
 * its record's first.)
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
        if (record.equals(TWICE)) {
            // which of the two would a parser keep? HAPI's and this reading might differ, and the check be bypassed
            return "not a FHIR resource: \"resourceType\" or \"id\" is named twice";
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

    /** What {@link #typeAndId} answers for a line naming its type or id twice. */
    static final String TWICE = "(named twice)";

    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{0,63}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    /**
     * "Type/id" from the line's top-level fields, read without building the resource; {@link #TWICE} if either is
     * named twice; null if either is missing or not of FHIR's form (no record, and so no duplicate: the write step
     * refuses it with the parser's or validator's reason; the text of an id that is not one never reaches a
     * chunk's stored line, where a control character in it would break the chunk).
     */
    static String typeAndId(String json) {
        String type = null;
        String id = null;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                boolean isType = "resourceType".equals(name);
                boolean isId = "id".equals(name);
                if (isType && type != null || isId && id != null) {
                    return TWICE;
                }
                if (isType || isId) {
                    String text = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                    type = isType ? text : type;
                    id = isId ? text : id;
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException notJson) {
            return null;
        }
        return type == null
                        || id == null
                        || !TYPE.matcher(type).matches()
                        || !ID.matcher(id).matches()
                ? null
                : type + "/" + id;
    }
}
