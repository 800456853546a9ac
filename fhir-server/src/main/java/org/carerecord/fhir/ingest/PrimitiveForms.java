package org.carerecord.fhir.ingest;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The forms of FHIR primitive values {@link StructuralCheck} accepts. Each is at least as strict as HL7's validator's
 * check of the same type (some stricter: absolute URIs of the forms records use, printable ASCII codes, times to
 * the second); a value of any other form is left to HL7's validator.
 */
final class PrimitiveForms {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    // printable ASCII only: HL7 counts some Unicode spaces as whitespace in a code (found by review)
    static final Pattern CODE = Pattern.compile("[!-~]+( [!-~]+)*");
    // stricter than the core's uri: absolute, and of the forms records use
    static final Pattern ABSOLUTE_URI =
            Pattern.compile("https?://[^\\s|]+|urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                    + "|urn:oid:[0-2](\\.(0|[1-9][0-9]*))+|urn:(?!uuid:|oid:)[A-Za-z0-9][A-Za-z0-9-]{1,31}:[^\\s|]+");
    static final Pattern DATE = Pattern.compile("[1-9][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?");
    static final Pattern DATE_TIME = Pattern.compile(
            "[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
                    + "(\\.([0-9]{1,9}))?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)");
    static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]");
    /** A number token -0: Jackson reads it as 0, HL7's validator refuses it as an unsignedInt or positiveInt. */
    static final Pattern NEGATIVE_ZERO = Pattern.compile("[:\\[,]\\s*-0(?![.0-9eE])");
    /** Versioned extension URLs (http://hl7.org/fhir/5.0/...): HL7's cross-version check decides them. */
    private static final Pattern CROSS_VERSION = Pattern.compile("^http://hl7\\.org/fhir/[0-9]");
    /** HL7's validator refuses example URLs in some places and some retired identifier systems: HL7 decides those. */
    private static final Pattern DOUBTFUL_URI = Pattern.compile("example\\.(org|com|net)|hl7\\.org/fhir/sid/|rfc4122");
    /** The identifier systems of hl7.org/fhir/sid that records use and HL7's validator accepts. */
    private static final Set<String> ACCEPTED_SIDS = Set.of(
            "http://hl7.org/fhir/sid/us-npi",
            "http://hl7.org/fhir/sid/us-ssn",
            "http://hl7.org/fhir/sid/passport-USA",
            "http://hl7.org/fhir/sid/cvx");

    private PrimitiveForms() {}

    static boolean acceptedUri(String value) {
        return ABSOLUTE_URI.matcher(value).matches()
                && (!DOUBTFUL_URI.matcher(value).find() || ACCEPTED_SIDS.contains(value))
                // HL7's validator also refuses short OIDs (the last arc must start past the fifth character)
                && (!value.startsWith("urn:oid:") || value.lastIndexOf('.') >= "urn:oid:".length() + 4)
                && !CROSS_VERSION.matcher(value).find();
    }

    static int fractionDigits(String dateTime) {
        int dot = dateTime.indexOf('.');
        if (dot < 0) {
            return 0;
        }
        int end = dot + 1;
        while (end < dateTime.length() && Character.isDigit(dateTime.charAt(end))) {
            end++;
        }
        return end - dot - 1;
    }

    static boolean realDate(String value) {
        // a year, or a year and month: the pattern is the whole rule
        return value.length() < 10 || parses(value, LocalDate::parse);
    }

    static boolean instant(String value) {
        return parses(value, OffsetDateTime::parse);
    }

    static boolean base64(String value) {
        // HL7 wants the padding the decoder does without
        return value.length() % 4 == 0 && parses(value, Base64.getDecoder()::decode);
    }

    private static boolean parses(String value, Consumer<String> parser) {
        try {
            parser.accept(value);
            return true;
        } catch (RuntimeException unreadable) {
            return false;
        }
    }
}
