package dev.digitstream.registry;

import dev.digitstream.common.cli.UserFacingException;

/**
 * A registry operation that cannot be done: the topic is missing or unreachable, a version is not
 * published or its chunks are incomplete or corrupt. Its message is one line naming the version (or
 * topic) and the problem; command lines print it as it is.
 */
public final class RegistryException extends UserFacingException {

  public RegistryException(String message) {
    super(message);
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
