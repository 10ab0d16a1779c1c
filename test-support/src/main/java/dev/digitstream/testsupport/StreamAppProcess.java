package dev.digitstream.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.digitstream.common.TestData;
import dev.digitstream.streamapp.config.StreamAppConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The stream-app as users run it, {@code java -jar stream-app.jar}, in its own process. */
public final class StreamAppProcess implements AutoCloseable {

  private static final Path JAR =
      TestData.projectRoot().resolve(Path.of("stream-app", "target", "stream-app.jar"));

  /** Set, another build of the stream-app is started (a benchmark comparing two). */
  public static final String JAR_PROPERTY = "streamapp.jar";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final int port;
  private final Path log;

  private StreamAppProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts one with {@code env} (plus its own metrics port); its log goes to {@code logName}. */
  public static StreamAppProcess start(Map<String, String> env, String logName) throws IOException {
    int port = FreePorts.next();
    Path logs = Files.createDirectories(Path.of("target", "fault-logs"));
    Path log = logs.resolve(logName + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1",
                "-Xmx1g",
                "-jar",
                System.getProperty(JAR_PROPERTY, JAR.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> all = new HashMap<>(env);
    all.put(StreamAppConfig.METRICS_PORT, Integer.toString(port));
    all.put(StreamAppConfig.METRICS_BIND_ADDRESS, "127.0.0.1");
    builder.environment().putAll(all);
    return new StreamAppProcess(builder.start(), port, log);
  }

  /** Waits until Kafka Streams is RUNNING (the readiness endpoint says 200). */
  public StreamAppProcess awaitReady() {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              assertThat(process.isAlive()).as("stream-app alive, see %s", log).isTrue();
              try {
                return get("/health/ready").statusCode() == 200;
              } catch (IOException e) {
                return false;
              }
            });
    return this;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The current Prometheus scrape. */
  public String scrape() throws IOException, InterruptedException {
    return get("/metrics").body();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Resident set size in bytes, from /proc; 0 when the process is gone. */
  public long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException e) {
      // gone
    }
    return 0;
  }

  /** The exit code of a process ended by SIGKILL (128 + 9). */
  public static final int KILLED = 137;

  /**
   * SIGKILL: no shutdown hook, no flush, no commit. Returns the exit code, {@link #KILLED} unless
   * the process had ended by itself before.
   */
  public int kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("ended after SIGKILL").isTrue();
    return process.exitValue();
  }

  /** Waits for the process to end by itself; its exit code, or -1 if it still runs. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** SIGTERM, then the exit code (the app drains its batches first). */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      return -1;
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
