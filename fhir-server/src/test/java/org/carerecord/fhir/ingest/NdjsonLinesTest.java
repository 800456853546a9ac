package org.carerecord.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NdjsonLinesTest {

    private static List<String> read(String text, int maxChars, long maxTotal) throws IOException {
        List<String> lines = new ArrayList<>();
        try (NdjsonLines reader = new NdjsonLines(stream(text), maxChars, maxTotal)) {
            String line;
            while ((line = reader.next()) != null) {
                assertThat(reader.number())
                        .as("lines are numbered in order, blank ones too")
                        .isEqualTo(lines.size() + 1);
                lines.add(line);
            }
        }
        return lines;
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Generated lines of any length (across the reader's 64 K buffer), ends and characters read back as written. */
    @Property(tries = 60)
    void linesReadBackAsWrittenWhateverTheirLengthAndEnds(
            @ForAll @IntRange(min = 0, max = 12) int count, @ForAll @IntRange(min = 0, max = 1_000_000) int seed)
            throws IOException {
        Random random = new Random(seed);
        List<String> written = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int length = random.nextInt(4) == 0 ? random.nextInt(200_000) : random.nextInt(50);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < length; c++) {
                int kind = random.nextInt(40);
                line.append(
                        kind == 0 ? '\r' : kind == 1 ? 'é' : kind == 2 ? '\u4e2d' : (char) ('a' + random.nextInt(26)));
            }
            String content = line.toString();
            if (content.endsWith("\r")) {
                content = content + "x"; // a \r at the end of a line is part of its end, not of the line
            }
            written.add(content);
            boolean last = i == count - 1;
            text.append(content)
                    .append(
                            last && !content.isEmpty() && random.nextBoolean()
                                    ? ""
                                    : random.nextBoolean() ? "\r\n" : "\n");
        }
        // a final end of line starts no further line
        assertThat(read(text.toString(), 300_000, Long.MAX_VALUE)).isEqualTo(written);
    }

    @Test
    void aLoneCarriageReturnDoesNotSplitALine() throws IOException {
        assertThat(read("{\"a\":\"x\ry\"}\n\n{\"b\":1}\r\n{\"c\":2}", 100, 1000))
                .containsExactly("{\"a\":\"x\ry\"}", "", "{\"b\":1}", "{\"c\":2}");
    }

    @Test
    void aLineAtTheLimitIsReadAndOneLongerIsRefusedByItsNumber() throws IOException {
        String ten = "0123456789";
        assertThat(read(ten + "\r\n" + ten + "\n" + ten, 10, 1000)).containsExactly(ten, ten, ten);
        assertThatThrownBy(() -> read(ten + "\n" + ten + "0\n" + ten, 10, 1000))
                .isInstanceOf(NdjsonLines.TooLong.class)
                .hasMessageContaining("line 2 is longer than 10 characters");
        assertThatThrownBy(() -> read(ten + "\n" + ten + "0", 10, 1000))
                .isInstanceOf(NdjsonLines.TooLong.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void aBodyWithNoNewlineIsRefusedWithoutHoldingIt() {
        // 200 MB of one line: refused once past the limit, never held whole
        InputStream endless = new InputStream() {
            private long left = 200L * 1024 * 1024;

            @Override
            public int read() {
                return left-- > 0 ? 'a' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = (int) Math.min(len, left);
                if (n <= 0) {
                    return -1;
                }
                java.util.Arrays.fill(b, off, off + n, (byte) 'a');
                left -= n;
                return n;
            }
        };
        assertThatThrownBy(() -> {
                    try (NdjsonLines reader = new NdjsonLines(endless, 1024 * 1024, Long.MAX_VALUE)) {
                        reader.next();
                    }
                })
                .isInstanceOf(NdjsonLines.TooLong.class)
                .hasMessageContaining("line 1 is longer than 1048576 characters");
    }

    @Test
    void aStreamPastItsTotalIsRefused() {
        String body = "{\"a\":1}\n".repeat(100_000);
        assertThatThrownBy(() -> read(body, 100, 100_000))
                .isInstanceOf(NdjsonLines.TooLong.class)
                .hasMessageContaining("more than 100000 characters once inflated");
    }

    @Test
    void bytesThatAreNotUtf8AreFoundOnTheirLineAndASentReplacementCharacterIsNot() throws IOException {
        // found from outside: bad bytes became U+FFFD, and the record was stored with its text silently changed
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        // the bytes C3 28 (written as Latin-1): a two-byte sequence begun and not ended
        lines.writeBytes("{\"a\":\"\u00c3(\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        lines.writeBytes("{\"a\":\"\uFFFD\"}\n".getBytes(StandardCharsets.UTF_8)); // U+FFFD as sent
        // ED A0 80: a surrogate encoded as UTF-8, which UTF-8 does not allow
        lines.writeBytes("{\"a\":\"\u00ed\u00a0\u0080\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        try (NdjsonLines reader = new NdjsonLines(new ByteArrayInputStream(lines.toByteArray()), 100, 1000)) {
            assertThat(NdjsonLines.unreadable(reader.next())).contains("not UTF-8", "character 7");
            assertThat(NdjsonLines.unreadable(reader.next())).isNull();
            assertThat(NdjsonLines.unreadable(reader.next())).contains("not UTF-8");
            assertThat(reader.next()).isNull();
        }
    }
}
