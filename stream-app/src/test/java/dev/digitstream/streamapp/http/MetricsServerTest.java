package dev.digitstream.streamapp.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The metrics endpoint against malformed, oversize and unexpected requests, over raw sockets. */
class MetricsServerTest {

  private MetricsServer server;

  @BeforeEach
  void start() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("test_requests").increment();
    server = MetricsServer.start("127.0.0.1", 0, registry, () -> true);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Sends raw bytes and returns the status line, or "closed" when the server hung up. */
  private String send(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // the server may close before taking everything: that is a refusal too
      }
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      try {
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
          line.append((char) c);
        }
      } catch (SocketTimeoutException e) {
        return "timeout";
      } catch (IOException e) {
        return "closed";
      }
      return line.isEmpty() ? "closed" : line.toString().strip();
    }
  }

  private String send(String request) throws IOException {
    return send(request.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void servesMetricsAndHealthToGet() throws IOException {
    assertThat(send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .isEqualTo("HTTP/1.1 200 OK");
    assertThat(send("GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .isEqualTo("HTTP/1.1 200 OK");
    assertThat(send("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 404");
  }

  @Test
  void refusesOtherMethodsBodiesLongTargetsAndOversizeHeaders() throws IOException {
    assertThat(send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("HTTP/1.1 405");
    assertThat(send("DELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 405");
    assertThat(send("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nabc"))
        .startsWith("HTTP/1.1 413");
    assertThat(
            send(
                "GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
        .startsWith("HTTP/1.1 413");
    assertThat(send("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 414");
    String bigHeader =
        "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(100_000) + "\r\n\r\n";
    assertThat(send(bigHeader)).isIn("HTTP/1.1 400 Bad Request", "closed");
    StringBuilder manyHeaders = new StringBuilder("GET /metrics HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 500; i++) {
      manyHeaders.append("X-H").append(i).append(": v\r\n");
    }
    assertThat(send(manyHeaders.append("\r\n").toString()))
        .isIn("HTTP/1.1 400 Bad Request", "closed");
    assertThat(send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .isEqualTo("HTTP/1.1 200 OK");
  }

  @Test
  void survivesGarbageAndHalfRequests() throws IOException {
    assertThat(send("\u0000\u0001garbage\r\n\r\n")).isIn("HTTP/1.1 400 Bad Request", "closed");
    assertThat(send(new byte[] {(byte) 0x16, 3, 1, 0, 5, 1, 2, 3, 4, 5}))
        .isIn("HTTP/1.1 400 Bad Request", "closed"); // a TLS hello
    assertThat(send("GET /metrics HTTP/1.1\r\nHost"))
        .isIn("closed", "timeout", "HTTP/1.1 400 Bad Request");
    assertThat(send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .isEqualTo("HTTP/1.1 200 OK");
  }
}
