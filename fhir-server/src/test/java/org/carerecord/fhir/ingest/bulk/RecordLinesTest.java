package org.carerecord.fhir.ingest.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RecordLinesTest {

    private static final List<String> URLS = List.of("file:///drop/RTD/a.ndjson", "file:///drop/RTD/b.ndjson");

    @Property(tries = 200)
    void aLineIsRefusedExactlyWhenItsRecordIsOnAnEarlierLineNamingThatLine(
            @ForAll @Size(max = 60) List<@IntRange(max = 12) Integer> records) {
        RecordLines lines = new RecordLines(URLS);
        Map<String, String> first = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            // a few ids over two types, so records repeat, and the same id of another type is another record
            String type = records.get(i) % 2 == 0 ? "Patient" : "Condition";
            String id = "r" + records.get(i) / 2;
            int input = i % 2;
            long line = i + 1;
            String json =
                    "{\"id\":\"%s\",\"meta\":{\"id\":\"m\"},\"resourceType\":\"%s\",\"contained\":[{\"id\":\"x\"}]}"
                            .formatted(id, type);
            String refused = lines.again(input, line, json);
            String earlier = first.putIfAbsent(type + "/" + id, "line " + line + " of " + URLS.get(input));
            if (earlier == null) {
                assertThat(refused).as("first line of %s/%s", type, id).isNull();
            } else {
                assertThat(refused).startsWith(type + "/" + id + " is on " + earlier + " too");
            }
        }
    }

    @Test
    void theRecordIsNamedByItsOwnTopLevelTypeAndIdOnly() {
        assertThat(
                        RecordLines.typeAndId(
                                "{\"resourceType\":\"Patient\",\"name\":[{\"id\":\"n\"}],\"extension\":{\"id\":\"e\"},\"id\":\"p\"}"))
                .isEqualTo("Patient/p");
        assertThat(RecordLines.typeAndId("{\"resourceType\":\"Patient\"}")).isNull();
        assertThat(RecordLines.typeAndId("{\"resourceType\":\"Patient\",\"id\":7}"))
                .isNull();
        assertThat(RecordLines.typeAndId("{\"resourceType\":\"Patient\",\"id\":\"p\""))
                .as("not JSON to its end")
                .isNull();
        assertThat(RecordLines.typeAndId("not json")).isNull();
        assertThat(RecordLines.typeAndId("[{\"resourceType\":\"Patient\",\"id\":\"p\"}]"))
                .isNull();
    }

    @Test
    void anIdNotOfFhirsFormIsNoRecordSoItsTextNeverReachesAChunksStoredLine() {
        // found by review: an escaped \n or \u0000 in a repeated id went into the refusal, split the chunk's stored
        // line (the write step then failed the job) or could not be stored at all
        RecordLines lines = new RecordLines(URLS);
        for (String id : new String[] {"a\\nb", "a\\u0000b", "a\\tb", "", "x".repeat(65)}) {
            String json = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}";
            assertThat(RecordLines.typeAndId(json)).as(id).isNull();
            assertThat(lines.again(0, 1, json)).as(id).isNull();
            assertThat(lines.again(0, 2, json)).as(id).isNull();
        }
        assertThat(ImportChunk.refusedLine(3, "why\nand\u0000then\tthis")).isEqualTo("-3\twhy and then this");
    }

    @Test
    void aLineNamingItsTypeOrIdTwiceIsRefusedAsNoParserAgreesWhichIsMeant() {
        RecordLines lines = new RecordLines(URLS);
        assertThat(lines.again(0, 1, "{\"resourceType\":\"Patient\",\"id\":\"a\",\"id\":\"b\"}"))
                .contains("named twice");
        assertThat(lines.again(0, 2, "{\"resourceType\":\"Patient\",\"id\":\"a\",\"resourceType\":\"Condition\"}"))
                .contains("named twice");
        assertThat(lines.again(0, 3, "{\"resourceType\":\"Patient\",\"id\":\"b\"}"))
                .as("neither was taken as a record's first line")
                .isNull();
    }

    @Test
    void linesWithoutAnIdAreLeftForTheWriteStepToRefuse() {
        RecordLines lines = new RecordLines(URLS);
        assertThat(lines.again(0, 1, "{\"resourceType\":\"Patient\"}")).isNull();
        assertThat(lines.again(0, 2, "{\"resourceType\":\"Patient\"}")).isNull();
    }
}
