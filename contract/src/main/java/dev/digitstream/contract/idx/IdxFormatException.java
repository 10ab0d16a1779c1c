package dev.digitstream.contract.idx;

import java.io.IOException;
import java.nio.file.Path;

/** An IDX file that cannot be read as promised; the message names the file and the problem. */
public final class IdxFormatException extends IOException {

  public IdxFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public IdxFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
