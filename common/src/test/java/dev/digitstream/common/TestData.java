package dev.digitstream.common;

import dev.digitstream.common.mnist.MnistData;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where tests find the MNIST files: {@code MNIST_DIR} (relative paths taken from the project root),
 * else {@code ../shared/data/mnist} beside the project root. Tests never download.
 */
public final class TestData {

  private TestData() {}

  public static Path projectRoot() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  public static Path mnistDir() {
    String configured = System.getenv(MnistData.DIR_ENV);
    Path dir =
        configured != null
            ? projectRoot().resolve(configured)
            : projectRoot().resolve("../shared/data/mnist");
    if (configured == null && !Files.isDirectory(dir)) {
      dir = projectRoot().resolve(MnistData.DEFAULT_DIR);
    }
    dir = dir.normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "MNIST not found at "
              + dir
              + "; set MNIST_DIR to the folder holding the .gz files, or run the trainer once"
              + " to download them");
    }
    return dir;
  }

  /** The local MNIST copy, with an unreachable mirror so that a missing file fails fast. */
  public static MnistData mnist() {
    return new MnistData(mnistDir(), URI.create("http://127.0.0.1:9/"), Duration.ofSeconds(2));
  }
}
