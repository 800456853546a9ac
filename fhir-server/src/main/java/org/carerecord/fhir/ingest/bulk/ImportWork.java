package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.model.api.IModelJson;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What passes from step to step of an import: a chunk still to write (its type's turn has not come), or what
 * writing one did.
 */
// chunks a later version stored stay readable by this one (a rollback, a rolling upgrade)
@JsonIgnoreProperties(ignoreUnknown = true)
class ImportWork implements IModelJson {

    @JsonProperty("chunk")
    private ImportChunk chunk;

    @JsonProperty("outcome")
    private ImportOutcome outcome;

    public ImportWork() {}

    static ImportWork toWrite(ImportChunk chunk) {
        ImportWork work = new ImportWork();
        work.chunk = chunk;
        return work;
    }

    static ImportWork written(ImportOutcome outcome) {
        ImportWork work = new ImportWork();
        work.outcome = outcome;
        return work;
    }

    public ImportChunk getChunk() {
        return chunk;
    }

    public ImportOutcome getOutcome() {
        return outcome;
    }
}
