package org.carerecord.fhir.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.carerecord.fhir.limits.RequestLimitsProperties;

/**
 * The lines of an NDJSON stream ({@code $load}'s body, an {@code $import} source), each at most {@code maxChars}
 * long. {@code BufferedReader.readLine} holds a line of any length in memory, so one gzipped body of gigabytes
 * with no newline exhausted the heap (and the server exits on that). Only {@code \n} ends a line, as NDJSON says
 * ({@code \r\n} too): a lone {@code \r} inside a line does not split it and shift every later line's number.
 */
public final class NdjsonLines implements Closeable {

    /**
     * Put in place of bytes that are not UTF-8: a lone low surrogate, which decoding UTF-8 yields for nothing else.
     * (The usual U+FFFD could not be told from one sent: such a line was stored with its bytes silently changed.)
     */
    private static final char NOT_UTF8 = '\uDFFF';

    /** Why the line cannot be read as sent (bytes that are not UTF-8), or null. */
    public static String unreadable(String line) {
        int at = line.indexOf(NOT_UTF8);
        return at < 0 ? null : "not UTF-8: bytes at character " + (at + 1) + " are not UTF-8, which NDJSON must be";
    }

    /** A line, or the whole stream, longer than its limit; the message names which, for the client. */
    public static final class TooLong extends IOException {
        TooLong(String message) {
            super(message);
        }
    }

    private final Reader in;
    private final int maxChars;
    private final long maxTotalChars;
    private long total;
    private final char[] buffer = new char[64 * 1024];
    private int position;
    private int limit;
    private long number;

    /**
     * @param maxChars      the longest line
     * @param maxTotalChars the most the whole stream may hold once inflated (a gzipped body is counted as sent)
     */
    public NdjsonLines(InputStream in, int maxChars, long maxTotalChars) {
        this.in = new InputStreamReader(
                in,
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)
                        .replaceWith(String.valueOf(NOT_UTF8)));
        this.maxChars = maxChars;
        this.maxTotalChars = maxTotalChars;
    }

    /** The next line without its end, or null after the last; throws {@link TooLong} past a limit. */
    public String next() throws IOException {
        StringBuilder line = null;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                total += Math.max(0, limit);
                if (total > maxTotalChars) {
                    throw new TooLong("the body holds more than " + maxTotalChars + " characters once inflated");
                }
                if (limit <= 0) {
                    limit = 0;
                    if (line == null) {
                        return null;
                    }
                    return finished(line);
                }
            }
            if (line == null) {
                line = new StringBuilder();
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            if (line.length() + (position - start) > maxChars + 1) { // + 1: a \r before the \n
                throw lineTooLong(number + 1);
            }
            line.append(buffer, start, position - start);
            if (position < limit) {
                position++; // the \n
                return finished(line);
            }
        }
    }

    /** The longest line, in characters: no more than a whole request body ({@code care.fhir.limits.max-body}). */
    public static int maxLineChars(RequestLimitsProperties limits) {
        return (int) Math.min(Integer.MAX_VALUE - 8, limits.maxBody().toBytes());
    }

    /** The number of the line {@link #next} returned last (blank lines count). */
    public long number() {
        return number;
    }

    private TooLong lineTooLong(long line) {
        return new TooLong(
                "line " + line + " is longer than " + maxChars + " characters, the most one record may take");
    }

    private String finished(StringBuilder line) throws TooLong {
        number++;
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        if (end > maxChars) {
            throw lineTooLong(number);
        }
        return line.substring(0, end);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
