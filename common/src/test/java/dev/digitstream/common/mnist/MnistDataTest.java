package dev.digitstream.common.mnist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.digitstream.common.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download path, against a local HTTP server serving the real MNIST files. */
class MnistDataTest {

  @TempDir Path dataDir;

  private HttpServer server;
  private URI mirror;
  private final Map<String, byte[]> overrides = new ConcurrentHashMap<>();
  private final Map<String, Integer> requests = new ConcurrentHashMap<>();

  @BeforeEach
  void startMirror() throws IOException {
    Path source = TestData.mnistDir();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/mnist/",
        exchange -> {
          String name = Path.of(exchange.getRequestURI().getPath()).getFileName().toString();
          requests.merge(name, 1, Integer::sum);
          Path file = source.resolve(name);
          byte[] body = overrides.get(name);
          if (body == null && Files.isRegularFile(file)) {
            body = Files.readAllBytes(file);
          }
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    server.start();
    mirror = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mnist/");
  }

  @AfterEach
  void stopMirror() {
    server.stop(0);
  }

  private MnistData data() {
    return new MnistData(dataDir, mirror, Duration.ofSeconds(10));
  }

  @Test
  void shouldDownloadVerifyAndThenReuseMissingFiles() throws IOException {
    MnistData data = data();

    assertThat(data.test().count()).isEqualTo(10_000);
    assertThat(dataDir.resolve("t10k-images-idx3-ubyte.gz")).exists();
    assertThat(data.checksums())
        .containsEntry("t10k-images-idx3-ubyte.gz", MnistFile.TEST_IMAGES.sha256());

    assertThat(data().test().count()).isEqualTo(10_000);
    assertThat(requests).containsEntry("t10k-images-idx3-ubyte.gz", 1);
    try (var files = Files.list(dataDir)) {
      assertThat(files)
          .extracting(p -> p.getFileName().toString())
          .noneMatch(n -> n.endsWith(".part"));
    }
  }

  @Test
  void shouldRejectACorruptedDownloadAndLeaveNothingBehind() throws IOException {
    byte[] good = Files.readAllBytes(TestData.mnistDir().resolve("t10k-labels-idx1-ubyte.gz"));
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 1;
    overrides.put("t10k-labels-idx1-ubyte.gz", bad);

    assertThatThrownBy(() -> data().ensure(MnistFile.TEST_LABELS))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("t10k-labels-idx1-ubyte.gz is corrupt")
        .hasMessageContaining(MnistFile.TEST_LABELS.sha256());
    try (var files = Files.list(dataDir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void shouldReportAFailedDownload() {
    MnistData data = new MnistData(dataDir, mirror.resolve("/elsewhere/"), Duration.ofSeconds(5));

    assertThatThrownBy(() -> data.ensure(MnistFile.TEST_LABELS))
        .hasMessageContaining("download of")
        .hasMessageContaining("HTTP 404");
  }

  @Test
  void shouldNameTheHttpStatusOfAFailedDownload() throws IOException {
    URI elsewhere = mirror.resolve("/elsewhere/");

    assertThatThrownBy(() -> downloadFrom(elsewhere, Duration.ofSeconds(5)))
        .hasMessage("download of " + elsewhere + "t10k-labels-idx1-ubyte.gz failed: HTTP 404");
    assertThatDataDirIsEmpty();
  }

  @Test
  void shouldNameAnUnknownHost() throws IOException {
    URI nowhere = URI.create("http://no-such-host.invalid/mnist/");

    assertThatThrownBy(() -> downloadFrom(nowhere, Duration.ofSeconds(5)))
        .hasMessage(
            "download of http://no-such-host.invalid/mnist/t10k-labels-idx1-ubyte.gz failed:"
                + " unknown host no-such-host.invalid");
    assertThatDataDirIsEmpty();
  }

  @Test
  void shouldNameARefusedConnection() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI closed = URI.create("http://127.0.0.1:" + closedPort + "/mnist/");

    assertThatThrownBy(() -> downloadFrom(closed, Duration.ofSeconds(5)))
        .hasMessage(
            "download of %st10k-labels-idx1-ubyte.gz failed: connection refused by 127.0.0.1:%d"
                .formatted(closed, closedPort));
    assertThatDataDirIsEmpty();
  }

  @Test
  void shouldNameATimeout() throws IOException {
    // the kernel completes the connection (backlog), but nobody ever answers the request
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      URI mute = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/mnist/");

      assertThatThrownBy(() -> downloadFrom(mute, Duration.ofMillis(300)))
          .hasMessage(
              "download of " + mute + "t10k-labels-idx1-ubyte.gz failed: no answer within 300 ms");
    }
    assertThatDataDirIsEmpty();
  }

  private void downloadFrom(URI source, Duration timeout) throws IOException {
    new MnistData(dataDir, source, timeout).ensure(MnistFile.TEST_LABELS);
  }

  private void assertThatDataDirIsEmpty() throws IOException {
    try (var files = Files.list(dataDir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void shouldRefuseACorruptFileAlreadyOnDisk() throws IOException {
    Files.write(dataDir.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {1, 2, 3});

    assertThatThrownBy(() -> data().ensure(MnistFile.TEST_LABELS))
        .hasMessageContaining("corrupt")
        .hasMessageContaining("delete it to download it again");
    assertThat(requests).isEmpty();
  }

  @Test
  void shouldPreferTheOptionThenTheEnvironmentThenTheDefault() {
    Map<String, String> env = Map.of(MnistData.DIR_ENV, "/from/env");

    assertThat(MnistData.fromOptions(Path.of("/from/option"), env).dir())
        .isEqualTo(Path.of("/from/option"));
    assertThat(MnistData.fromOptions(null, env).dir()).isEqualTo(Path.of("/from/env"));
    assertThat(MnistData.fromOptions(null, Map.of()).dir())
        .isEqualTo(Path.of(MnistData.DEFAULT_DIR));
  }
}
