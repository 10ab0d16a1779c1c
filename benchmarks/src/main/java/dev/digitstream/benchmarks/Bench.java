package dev.digitstream.benchmarks;

import dev.digitstream.common.TestData;
import dev.digitstream.model.ModelFileException;
import dev.digitstream.model.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What the benchmarks share: where the project is, the model, and the report the tools print. */
public final class Bench {

  private static final String LOGBACK_CONFIG = "logback.configurationFile";

  private Bench() {}

  /**
   * Makes the working directory the project root unless {@code -Dproject.root} says otherwise:
   * {@code ./run-benchmarks} starts the tools there, and the fixtures find the stream-app jar and
   * MNIST from it, and {@code MNIST_DIR} and {@code MODEL_PATH} may be relative to it. Call first
   * in every {@code main} and JMH set-up.
   */
  public static void init() {
    if (System.getProperty("project.root") == null) {
      System.setProperty("project.root", Path.of("").toAbsolutePath().toString());
    }
    // The stream-app, producer and trainer jars on the class path each bring a logback.xml; name
    // ours, so that logback neither guesses nor prints its warning about it on stdout.
    if (System.getProperty(LOGBACK_CONFIG) == null) {
      System.setProperty(LOGBACK_CONFIG, "benchmarks-logback.xml");
    }
  }

  /** The model {@code MODEL_PATH} names (a file or a folder of models), if set. */
  public static Optional<Path> configuredModel() throws ModelFileException {
    String configured = System.getenv("MODEL_PATH");
    if (configured == null || configured.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(
        ModelFiles.resolve(TestData.projectRoot().resolve(configured)).toAbsolutePath());
  }

  /** The model {@code MODEL_PATH} names, default the newest under {@code models/}. */
  static Path model() throws ModelFileException {
    Optional<Path> configured = configuredModel();
    return configured.isPresent()
        ? configured.get()
        : ModelFiles.resolve(TestData.projectRoot().resolve("models")).toAbsolutePath();
  }

  /** Throws with {@code message} unless {@code condition} holds: where a benchmark cannot go on. */
  static void check(boolean condition, String message, Object... args) {
    if (!condition) {
      throw new IllegalStateException(String.format(Locale.ROOT, message, args));
    }
  }

  /** Result lines: printed to stdout as they come (run-benchmarks parses them), and kept. */
  static final class Report {
    private final List<String> lines = new ArrayList<>();

    void print(String format, Object... args) {
      String line = String.format(Locale.ROOT, format, args);
      System.out.println(line);
      lines.add(line);
    }

    List<String> lines() {
      return List.copyOf(lines);
    }
  }
}
