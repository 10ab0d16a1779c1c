package dev.digitstream.common.cli;

/**
 * A failure the user can act on, reported by every command line in one line (its message) with exit
 * code 1 and no stack trace. The other expected failures are listed at {@link Cli#isExpected}.
 */
public class UserFacingException extends RuntimeException {

  public UserFacingException(String message) {
    super(message);
  }

  public UserFacingException(String message, Throwable cause) {
    super(message, cause);
  }
}
