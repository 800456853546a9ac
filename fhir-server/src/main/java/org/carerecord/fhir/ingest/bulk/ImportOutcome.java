package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.model.api.IModelJson;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What part of an import did: records created, updated and left unchanged per source, and each rejected
 * line with why. A written chunk's outcome, and (added up) the finished job's report.
 */
// chunks a later version stored stay readable by this one (a rollback, a rolling upgrade)
@JsonIgnoreProperties(ignoreUnknown = true)
class ImportOutcome implements IModelJson {

    /**
     * Rejected lines a report lists at most (those of the chunks written first, listed in source order): a file of a
     * million bad lines would otherwise make a report of hundreds of megabytes, held whole by the job and sent whole
     * to the client. Every rejected line is counted; past these, the client mends what is listed and imports again.
     */
    static final int LISTED = 10_000;

    @JsonProperty("sources")
    private Map<String, Counts> sources = new TreeMap<>();

    @JsonProperty("rejected")
    private List<Rejected> rejected = new ArrayList<>();

    /** Which chunk of which input this is the outcome of (null in a report, and in outcomes from before it). */
    @JsonProperty("chunk")
    private String chunk;

    public ImportOutcome() {}

    /** The outcome of writing one chunk, named for the source and line it starts at. */
    static ImportOutcome of(ImportChunk written) {
        ImportOutcome outcome = new ImportOutcome();
        outcome.chunk = written.id();
        return outcome;
    }

    public String getChunk() {
        return chunk;
    }

    /** Records this outcome created or updated. */
    int written() {
        return sources.values().stream().mapToInt(c -> c.created + c.updated).sum();
    }

    public Map<String, Counts> getSources() {
        return sources;
    }

    public List<Rejected> getRejected() {
        return rejected;
    }

    Counts countsFor(String url, String type) {
        return sources.computeIfAbsent(url, u -> new Counts(type));
    }

    void add(ImportOutcome other) {
        other.sources.forEach((url, counts) -> countsFor(url, counts.type).add(counts));
        rejected.addAll(other.rejected.subList(0, Math.min(other.rejected.size(), LISTED - rejected.size())));
    }

    /** Every line rejected, listed or not. */
    int rejectedLines() {
        return sources.values().stream().mapToInt(c -> c.rejected).sum();
    }

    /** Counts for one source. */
    public static class Counts implements IModelJson {
        @JsonProperty("type")
        private String type;

        @JsonProperty("created")
        int created;

        @JsonProperty("updated")
        int updated;

        @JsonProperty("unchanged")
        int unchanged;

        @JsonProperty("rejected")
        int rejected;

        public Counts() {}

        Counts(String type) {
            this.type = type;
        }

        public String getType() {
            return type;
        }

        /** Records of this source now stored as sent. */
        public int stored() {
            return created + updated + unchanged;
        }

        void add(Counts other) {
            created += other.created;
            updated += other.updated;
            unchanged += other.unchanged;
            rejected += other.rejected;
        }
    }

    /** A line that was not written, and why. */
    public static class Rejected implements IModelJson {
        @JsonProperty("url")
        private String url;

        @JsonProperty("line")
        private long line;

        @JsonProperty("resource")
        private String resource;

        @JsonProperty("problem")
        private String problem;

        public Rejected() {}

        Rejected(String url, long line, String resource, String problem) {
            this.url = url;
            this.line = line;
            this.resource = resource;
            this.problem = problem;
        }

        public String getUrl() {
            return url;
        }

        public long getLine() {
            return line;
        }

        public String getResource() {
            return resource;
        }

        public String getProblem() {
            return problem;
        }
    }
}
