package dev.digitstream.streamapp.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code GET /metrics} (Prometheus text format), {@code GET /health/live} and {@code GET
 * /health/ready} (200 when ready, else 503). Anything else is 404, any other method 405.
 *
 * <p>It is exposed to whatever can reach its address, so it takes as little as it can: a request
 * with a body is refused (413) without reading it, a target longer than {@value #MAX_TARGET}
 * characters too (414); headers are capped at {@value #MAX_HEADER_BYTES} bytes and {@value
 * #MAX_HEADERS} lines, and a request must arrive within {@value #MAX_REQUEST_SECONDS} s (the JDK
 * server's limits, set here unless the JVM was started with its own).
 */
public final class MetricsServer implements AutoCloseable {

  static final int MAX_TARGET = 1024;
  static final int MAX_HEADER_BYTES = 8 * 1024;
  static final int MAX_HEADERS = 64;
  static final int MAX_REQUEST_SECONDS = 10;

  static {
    // Read once by the JDK's server when it is first used; an explicit -D setting wins.
    limit("sun.net.httpserver.maxReqHeaderSize", MAX_HEADER_BYTES);
    limit("sun.net.httpserver.maxReqHeaders", MAX_HEADERS);
    limit("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    limit("sun.net.httpserver.maxRspTime", 30);
  }

  private static void limit(String property, int value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, Integer.toString(value));
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static MetricsServer start(
      String bindAddress, int port, PrometheusMeterRegistry registry, BooleanSupplier ready)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
              exchange.getResponseHeaders().set("Allow", "GET");
              respond(exchange, 405, "text/plain", "method not allowed\n");
              return;
            }
            if (hasBody(exchange)) {
              exchange.getResponseHeaders().set("Connection", "close");
              respond(exchange, 413, "text/plain", "a GET takes no body\n");
              return;
            }
            if (exchange.getRequestURI().toString().length() > MAX_TARGET) {
              respond(exchange, 414, "text/plain", "request target too long\n");
              return;
            }
            switch (exchange.getRequestURI().getPath()) {
              case "/metrics" ->
                  respond(
                      exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
              case "/health/live" -> respond(exchange, 200, "text/plain", "live\n");
              case "/health/ready" ->
                  respond(
                      exchange,
                      ready.getAsBoolean() ? 200 : 503,
                      "text/plain",
                      ready.getAsBoolean() ? "ready\n" : "not ready\n");
              default -> respond(exchange, 404, "text/plain", "not found\n");
            }
          }
        });
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "metrics-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new MetricsServer(server, executor);
  }

  private static boolean hasBody(HttpExchange exchange) {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    return exchange.getRequestHeaders().containsKey("Transfer-Encoding")
        || (length != null && !length.strip().equals("0"));
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
