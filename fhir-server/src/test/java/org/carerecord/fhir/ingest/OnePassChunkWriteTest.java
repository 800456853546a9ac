package org.carerecord.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.carerecord.fhir.ingest.OnePassChunkWrite.Line;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The order a chunk is written in one pass: what a record of the chunk refers to before it. */
class OnePassChunkWriteTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Property(tries = 200)
    void everyRecordOnceAndEachAfterTheRecordsOfTheChunkItRefersTo(
            @ForAll @IntRange(min = 1, max = 60) int size, @ForAll long seed) {
        Random random = new Random(seed);
        List<Observation> panels = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Observation observation = new Observation();
            observation.setId("obs-" + i);
            panels.add(observation);
        }
        // references only to records made later: no cycle; some to records of other chunks, some twice
        for (int i = 0; i < size; i++) {
            int members = random.nextInt(4);
            for (int m = 0; m < members && i + 1 < size; m++) {
                panels.get(i).addHasMember(new Reference("Observation/obs-" + (i + 1 + random.nextInt(size - i - 1))));
            }
            if (random.nextBoolean()) {
                panels.get(i).addDerivedFrom(new Reference("Observation/elsewhere-" + i));
            }
        }
        List<Line> lines =
                new ArrayList<>(panels.stream().map(OnePassChunkWriteTest::line).toList());
        Collections.shuffle(lines, random);

        List<Line> ordered = OnePassChunkWrite.referencedFirst(lines);

        assertThat(ordered).containsExactlyInAnyOrderElementsOf(lines);
        List<String> written = new ArrayList<>();
        for (Line line : ordered) {
            for (Reference member : ((Observation) line.resource()).getHasMember()) {
                assertThat(written).as("written before %s", line.json()).contains(member.getReference());
            }
            written.add("Observation/" + line.resource().getIdElement().getIdPart());
        }
    }

    @Test
    void aCycleKeepsEveryRecordOnce() {
        Observation a = new Observation();
        a.setId("a");
        a.addHasMember(new Reference("Observation/b"));
        Observation b = new Observation();
        b.setId("b");
        b.addHasMember(new Reference("Observation/a"));
        List<Line> lines = List.of(line(a), line(b));
        assertThat(OnePassChunkWrite.referencedFirst(lines)).containsExactlyInAnyOrderElementsOf(lines);
    }

    @Test
    void anIdSentTwiceIsWrittenInTheOrderSent() {
        Observation first = new Observation();
        first.setId("same");
        Observation later = new Observation();
        later.setId("same");
        later.addHasMember(new Reference("Observation/other"));
        Observation other = new Observation();
        other.setId("other");
        List<Line> lines = List.of(line(first), line(later), line(other));
        assertThat(OnePassChunkWrite.referencedFirst(lines)).containsExactlyElementsOf(lines);
    }

    private static Line line(Observation observation) {
        return new Line(observation, FHIR.newJsonParser().encodeResourceToString(observation));
    }
}
