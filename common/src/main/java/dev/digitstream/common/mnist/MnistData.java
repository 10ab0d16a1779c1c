package dev.digitstream.common.mnist;

import dev.digitstream.common.files.AtomicFiles;
import dev.digitstream.contract.idx.IdxReader;
import dev.digitstream.contract.idx.LabelledImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MNIST data set in a local folder. Missing files are downloaded from a mirror; every file,
 * downloaded or found, must match its official SHA-256 before it is used, and a download only
 * appears under its final name once verified.
 */
public final class MnistData {

  /** Folder used when neither {@code --data-dir} nor {@code MNIST_DIR} is given. */
  public static final String DEFAULT_DIR = "data/mnist";

  /** The environment variable naming the folder. */
  public static final String DIR_ENV = "MNIST_DIR";

  /** The environment variable naming the mirror, a base URL ending in a slash. */
  public static final String MIRROR_ENV = "MNIST_MIRROR";

  /** A public mirror of the original files (the one TensorFlow's loaders use). */
  public static final URI DEFAULT_MIRROR =
      URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/");

  private static final Logger LOG = LoggerFactory.getLogger(MnistData.class);

  private final Path dir;
  private final URI mirror;
  private final Duration timeout;
  private final Map<MnistFile, String> checksums = new EnumMap<>(MnistFile.class);

  public MnistData(Path dir, URI mirror, Duration timeout) {
    this.dir = Objects.requireNonNull(dir);
    String base = mirror.toString();
    this.mirror = base.endsWith("/") ? mirror : URI.create(base + "/");
    this.timeout = timeout;
  }

  /**
   * The data folder chosen by precedence: the explicit option, then {@code MNIST_DIR}, then {@link
   * #DEFAULT_DIR}; and the mirror from {@code MNIST_MIRROR} or {@link #DEFAULT_MIRROR}.
   */
  public static MnistData fromOptions(Path dataDirOption, Map<String, String> env) {
    Path dir =
        dataDirOption != null ? dataDirOption : Path.of(env.getOrDefault(DIR_ENV, DEFAULT_DIR));
    String mirror = env.get(MIRROR_ENV);
    return new MnistData(
        dir, mirror == null ? DEFAULT_MIRROR : URI.create(mirror), Duration.ofSeconds(60));
  }

  public Path dir() {
    return dir;
  }

  /** The 60,000 training images. */
  public LabelledImages train() throws IOException {
    return IdxReader.read(ensure(MnistFile.TRAIN_IMAGES), ensure(MnistFile.TRAIN_LABELS));
  }

  /** The 10,000 test images. */
  public LabelledImages test() throws IOException {
    return IdxReader.read(ensure(MnistFile.TEST_IMAGES), ensure(MnistFile.TEST_LABELS));
  }

  /** The verified SHA-256 of every file made available so far, by file name. */
  public Map<String, String> checksums() {
    Map<String, String> byName = new TreeMap<>();
    checksums.forEach((file, sum) -> byName.put(file.fileName(), sum));
    return byName;
  }

  /**
   * Makes one file available: verifies it when present, downloads and verifies it when not.
   *
   * @return the path of the verified file
   * @throws IOException when the file is corrupt, cannot be downloaded, or the folder is not
   *     writable; the message names the file and the problem
   */
  public Path ensure(MnistFile file) throws IOException {
    Path target = dir.resolve(file.fileName());
    if (Files.exists(target)) {
      String actual = Sha256.of(target);
      if (!actual.equals(file.sha256())) {
        throw new IOException(
            "%s: corrupt, SHA-256 %s does not match the official %s; delete it to download it again"
                .formatted(target, actual, file.sha256()));
      }
    } else {
      download(file, target);
    }
    checksums.put(file, file.sha256());
    return target;
  }

  private void download(MnistFile file, Path target) throws IOException {
    URI source = mirror.resolve(file.fileName());
    LOG.info("{} is missing; downloading {}", target, source);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException("cannot create data folder " + dir + ": " + e, e);
    }
    try {
      // the file appears under its final name only once verified
      AtomicFiles.write(
          target,
          out -> {
            String actual = fetch(source, out);
            if (!actual.equals(file.sha256())) {
              throw new IOException(
                  "download of %s is corrupt: SHA-256 %s does not match the official %s"
                      .formatted(source, actual, file.sha256()));
            }
          });
    } catch (AccessDeniedException e) {
      throw new IOException("data folder " + dir + " is not writable", e);
    }
    LOG.info("{} downloaded and verified", target);
  }

  /** Streams {@code source} into {@code sink}, returning the SHA-256 of what arrived. */
  private String fetch(URI source, OutputStream sink) throws IOException {
    MessageDigest digest = Sha256.digest();
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    HttpRequest request = HttpRequest.newBuilder(source).timeout(timeout).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("download of " + source + " interrupted", e);
    } catch (IOException e) {
      throw failed(source, e);
    }
    try (InputStream body = new DigestInputStream(response.body(), digest)) {
      if (response.statusCode() != 200) {
        throw new IOException("download of " + source + " failed: HTTP " + response.statusCode());
      }
      try {
        body.transferTo(sink);
      } catch (IOException e) {
        throw failed(source, e);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private IOException failed(URI source, IOException e) {
    return new IOException(
        "download of " + source + " failed: " + DownloadFailures.describe(source, e, timeout), e);
  }
}
