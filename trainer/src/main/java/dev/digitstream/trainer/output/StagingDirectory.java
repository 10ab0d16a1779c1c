package dev.digitstream.trainer.output;

import dev.digitstream.common.files.AtomicFiles;
import dev.digitstream.common.files.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A folder that is filled under a hidden temporary name beside its destination and appears under
 * its final name only through {@link #publish}, in one atomic rename. Closing it unpublished
 * deletes it, so a failed or interrupted run leaves nothing half-written behind.
 */
public final class StagingDirectory implements AutoCloseable {

  private final Path staging;
  private boolean published;

  private StagingDirectory(Path staging) {
    this.staging = staging;
  }

  /**
   * Creates a staging folder inside {@code parent}, creating {@code parent} if needed. Fails early,
   * before any work is done, when {@code parent} is not writable.
   */
  public static StagingDirectory in(Path parent) throws IOException {
    try {
      Files.createDirectories(parent);
      return new StagingDirectory(Files.createTempDirectory(parent, ".staging-"));
    } catch (IOException e) {
      throw new IOException("output folder " + parent + " is not writable (" + e + ")", e);
    }
  }

  /** The staging folder itself: write here what is to be published. */
  public Path path() {
    return staging;
  }

  /**
   * Moves the staged folder to {@code parent/name}, atomically; the name must be free.
   *
   * @throws FileAlreadyExistsException when {@code parent/name} exists
   */
  public Path publish(String name) throws IOException {
    Path target = AtomicFiles.publishDirectory(staging, staging.getParent().resolve(name));
    published = true;
    return target;
  }

  @Override
  public void close() {
    if (published) {
      return;
    }
    try {
      FileTrees.deleteRecursively(staging);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove staging folder " + staging, e);
    }
  }
}
