package dev.digitstream.common.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files and folders that appear under their final name only once complete: the content is written
 * under a hidden temporary name beside the target, forced to disk, and renamed into place in one
 * atomic move. A reader sees the old file or the new one, never half of either; a writer that fails
 * or is interrupted leaves nothing behind (a crash may leave a hidden {@code .part} file, never a
 * half-written target).
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /**
   * Writes {@code target} atomically, replacing any existing file. {@code content} writes the
   * bytes; if it throws, the temporary file is deleted and the target is left as it was. The stream
   * is closed by this method.
   *
   * @throws IOException from {@code content}, or when the folder cannot be created or written
   */
  public static void write(Path target, IOConsumer<OutputStream> content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, "." + absolute.getFileName() + "-", ".part");
    try {
      try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(channel)) {
        content.accept(new UnclosableOutputStream(out));
        out.flush();
        channel.force(true);
      }
      Files.move(
          partial, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** Writes {@code text} as UTF-8 to {@code target}, atomically. */
  public static void writeString(Path target, String text) throws IOException {
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Renames a folder assembled elsewhere in the same parent (under a hidden name, say) to {@code
   * target}, atomically; unlike a file, an existing target is never replaced.
   *
   * @throws FileAlreadyExistsException when {@code target} exists
   */
  public static Path publishDirectory(Path assembled, Path target) throws IOException {
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString(), null, "already exists");
    }
    return Files.move(assembled, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Lets {@code content} close the stream it was given (as many writers do) without closing the
   * file before it is forced to disk.
   */
  private static final class UnclosableOutputStream extends java.io.FilterOutputStream {

    UnclosableOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
