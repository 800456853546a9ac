package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.model.api.IModelJson;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Up to {@value FetchImportFiles#LINES_PER_CHUNK} lines of one source, written as one unit of work. Its lines are
 * held by {@link ImportChunkStore} under {@link #id()}; chunks stored by an earlier version carry them here.
 */
// chunks a later version stored stay readable by this one (a rollback, a rolling upgrade); a chunk whose lines are
// held apart belongs to a job of BulkImportJob.VERSION 2, which a server of version 1 does not take up
@JsonIgnoreProperties(ignoreUnknown = true)
class ImportChunk implements IModelJson {

    @JsonProperty("type")
    private String type;

    @JsonProperty("url")
    private String url;

    @JsonProperty("firstLine")
    private long firstLine;

    /** Null: held by {@link ImportChunkStore}. */
    @JsonProperty("ndjson")
    private String ndjson;

    /**
     * Why a line holding a raw NUL character is refused. PostgreSQL stores no NUL in text, so the chunk holding it
     * could not be kept and the job failed whole; JSON allows it only escaped, so the line is refused on its own.
     */
    static final String RAW_NUL = "not a FHIR resource: a raw NUL character (U+0000), which JSON allows only escaped";

    /**
     * A chunk holds each line as "number TAB json"; a line refused while the sources were read is kept as
     * "-number TAB why" instead (a line number is never negative), and refused again when the chunk is written.
     */
    static String refusedLine(long number, String why) {
        // a line of the chunk ends at \n and PostgreSQL keeps no NUL: neither may come into it with the reason
        return "-" + number + "\t" + why.replaceAll("[\\x00-\\x1F]", " ");
    }

    /**
     * What chunks stored before the "-number" form (a server of an earlier build, within a rolling upgrade) hold in
     * place of a line with a raw NUL: still refused for its NUL, not as a line the parser cannot read.
     */
    static final String EARLIER_RAW_NUL = "(a line with a raw NUL character)";

    public ImportChunk() {}

    ImportChunk(String type, String url, long firstLine) {
        this.type = type;
        this.url = url;
        this.firstLine = firstLine;
    }

    /** Names the chunk within its job; the type too: one URL may be named by two inputs of different types. */
    String id() {
        return type + " " + url + "#" + firstLine;
    }

    public String getType() {
        return type;
    }

    public String getUrl() {
        return url;
    }

    /** The source line number (from 1) of the chunk's first line. */
    public long getFirstLine() {
        return firstLine;
    }

    public String getNdjson() {
        return ndjson;
    }
}
