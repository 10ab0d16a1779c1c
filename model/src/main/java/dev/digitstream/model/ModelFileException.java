package dev.digitstream.model;

import java.io.IOException;
import java.nio.file.Path;

/** A model file that is missing, corrupt, or not a LeNet of this project. */
public final class ModelFileException extends IOException {

  public ModelFileException(Path file, String problem) {
    super("model " + file + ": " + problem);
  }

  public ModelFileException(Path file, String problem, Throwable cause) {
    super("model " + file + ": " + problem, cause);
  }
}
