package dev.digitstream.streamapp;

/** The application cannot start; the message says why, in one line. */
public final class StartupException extends Exception {

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
