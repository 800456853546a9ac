package org.carerecord.e2e.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in OpenTelemetry collector: takes OTLP/HTTP trace exports ({@code POST /v1/traces}, protobuf) from the
 * stack's services and keeps each body. A body is one service's batch: its resource names the service
 * ({@code service.name}) and each span carries its 16-byte trace id, both as plain bytes in the protobuf, so a
 * test can tell which services took part in a trace without a protobuf library.
 */
public final class TraceReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<byte[]> exports = new CopyOnWriteArrayList<>();

    private TraceReceiver(HttpServer server) {
        this.server = server;
    }

    public static TraceReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            TraceReceiver receiver = new TraceReceiver(server);
            server.createContext("/v1/traces", exchange -> {
                receiver.exports.add(exchange.getRequestBody().readAllBytes());
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the services are told as {@code MANAGEMENT_OTLP_TRACING_ENDPOINT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** Waits until {@code service} has exported a span of trace {@code traceIdHex}; false if not within the time. */
    public boolean awaitSpan(String service, String traceIdHex, Duration timeout) throws InterruptedException {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        byte[] traceId = HexFormat.of().parseHex(traceIdHex);
        Instant deadline = Instant.now().plus(timeout);
        do {
            for (byte[] export : exports) {
                if (indexOf(export, name) >= 0 && indexOf(export, traceId) >= 0) {
                    return true;
                }
            }
            Thread.sleep(250);
        } while (Instant.now().isBefore(deadline));
        return false;
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i <= in.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
