package dev.digitstream.common;

import dev.digitstream.common.mnist.MnistData;
import dev.digitstream.common.mnist.MnistFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where tests find the MNIST files: {@code MNIST_DIR} (a relative path is taken from the project
 * root), else {@code data/mnist} under the project root, the folder the tools use. Missing files
 * are downloaded there once, as the tools do, from {@code MNIST_MIRROR} or the default mirror, and
 * every file is checked against its official SHA-256.
 */
public final class TestData {

  private static MnistData mnist;

  private TestData() {}

  public static Path projectRoot() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  /** The MNIST folder, holding all four verified files. */
  public static Path mnistDir() {
    return mnist().dir();
  }

  /** The MNIST files, all four present and verified. */
  public static synchronized MnistData mnist() {
    if (mnist == null) {
      Map<String, String> env = new HashMap<>(System.getenv());
      String configured = env.getOrDefault(MnistData.DIR_ENV, MnistData.DEFAULT_DIR);
      Path dir = projectRoot().resolve(configured).normalize();
      MnistData data = MnistData.fromOptions(dir, env);
      try {
        for (MnistFile file : MnistFile.values()) {
          data.ensure(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "MNIST is not available at %s (set MNIST_DIR to a folder holding the four .gz files): %s"
                .formatted(dir, e.getMessage()),
            e);
      }
      mnist = data;
    }
    return mnist;
  }
}
