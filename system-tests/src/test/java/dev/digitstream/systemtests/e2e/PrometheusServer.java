package dev.digitstream.systemtests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.digitstream.testsupport.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A real Prometheus server (the Debian package's binary) on 127.0.0.1, started by a test with a
 * given configuration and queried through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final int port;

  private PrometheusServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts Prometheus with {@code config} (its rule files resolve relative to it). */
  static PrometheusServer start(Path config, Path workDir)
      throws IOException, InterruptedException {
    String binary = System.getenv().getOrDefault("PROMETHEUS_BIN", "prometheus");
    int port = FreePorts.next();
    Path log = workDir.resolve("prometheus.log");
    Process process;
    try {
      process =
          new ProcessBuilder(
                  List.of(
                      binary,
                      "--config.file=" + config,
                      "--storage.tsdb.path=" + workDir.resolve("tsdb"),
                      "--web.listen-address=127.0.0.1:" + port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run '"
              + binary
              + "': install Prometheus (apt-get install prometheus) or set"
              + " PROMETHEUS_BIN",
          e);
    }
    PrometheusServer server = new PrometheusServer(process, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!server.ready()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        server.close();
        throw new IOException("Prometheus did not become ready:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    return server;
  }

  private boolean ready() {
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The API's JSON answer to {@code path}; fails unless its status is success. */
  JsonNode api(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = get(path);
    JsonNode json = MonitoringFiles.JSON.readTree(response.body());
    if (!"success".equals(json.path("status").asText())) {
      throw new IOException(path + ": " + response.body());
    }
    return json.get("data");
  }

  /** The value of an instant query whose answer is one series or a scalar; empty when none. */
  OptionalDouble query(String promql) throws IOException, InterruptedException {
    JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode result = data.get("result");
    if ("scalar".equals(data.path("resultType").asText())) {
      return OptionalDouble.of(result.get(1).asDouble());
    }
    if (result.isEmpty()) {
      return OptionalDouble.empty();
    }
    if (result.size() > 1) {
      throw new IOException(promql + " returned " + result.size() + " series");
    }
    return OptionalDouble.of(result.get(0).get("value").get(1).asDouble());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
