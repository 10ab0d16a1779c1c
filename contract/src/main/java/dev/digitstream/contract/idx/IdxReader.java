package dev.digitstream.contract.idx;

import dev.digitstream.contract.ImageRecord;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format): big-endian magic {@code 0x00000803} with three dimensions for
 * images, {@code 0x00000801} with one for labels, then unsigned bytes. Gzipped files are recognised
 * by their content, not their name.
 */
public final class IdxReader {

  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /** Reads an image file and its label file, checking that they describe the same images. */
  public static LabelledImages read(Path imagesFile, Path labelsFile) throws IOException {
    byte[] pixels = readImages(imagesFile);
    byte[] labels = readLabels(labelsFile);
    int images = pixels.length / ImageRecord.SIZE;
    if (images != labels.length) {
      throw new IdxFormatException(
          labelsFile,
          "holds %d labels but %s holds %d images".formatted(labels.length, imagesFile, images));
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= ImageRecord.CLASSES) {
        throw new IdxFormatException(
            labelsFile, "label %d at index %d is not a digit 0-9".formatted(labels[i], i));
      }
    }
    return new LabelledImages(pixels, labels);
  }

  /** Reads a 28x28 image file into one flat array. */
  public static byte[] readImages(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      int magic = readHeaderInt(in, file);
      if (magic != IMAGES_MAGIC) {
        throw new IdxFormatException(
            file,
            "wrong magic number 0x%08x, expected 0x%08x (images)".formatted(magic, IMAGES_MAGIC));
      }
      int count = readHeaderInt(in, file);
      int rows = readHeaderInt(in, file);
      int cols = readHeaderInt(in, file);
      if (count < 0 || rows != ImageRecord.HEIGHT || cols != ImageRecord.WIDTH) {
        throw new IdxFormatException(
            file,
            "dimensions %d x %d x %d, expected N x %d x %d"
                .formatted(count, rows, cols, ImageRecord.HEIGHT, ImageRecord.WIDTH));
      }
      return readBody(in, file, (long) count * ImageRecord.SIZE);
    }
  }

  /** Reads a label file. */
  public static byte[] readLabels(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      int magic = readHeaderInt(in, file);
      if (magic != LABELS_MAGIC) {
        throw new IdxFormatException(
            file,
            "wrong magic number 0x%08x, expected 0x%08x (labels)".formatted(magic, LABELS_MAGIC));
      }
      int count = readHeaderInt(in, file);
      if (count < 0) {
        throw new IdxFormatException(file, "negative label count " + count);
      }
      return readBody(in, file, count);
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw;
    try {
      raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "file not found");
    }
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        raw = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
      } catch (ZipException | EOFException e) {
        raw.close();
        throw new IdxFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
      }
    }
    return new DataInputStream(raw);
  }

  private static int readHeaderInt(DataInputStream in, Path file) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new IdxFormatException(file, "truncated header", e);
    } catch (ZipException e) {
      throw new IdxFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
    }
  }

  private static byte[] readBody(DataInputStream in, Path file, long length) throws IOException {
    if (length > Integer.MAX_VALUE - 8) {
      throw new IdxFormatException(file, "declares " + length + " bytes, too large to load");
    }
    byte[] body = new byte[(int) length];
    try {
      in.readFully(body);
    } catch (EOFException e) {
      throw new IdxFormatException(
          file, "truncated: header declares %d data bytes, file ends early".formatted(length), e);
    } catch (ZipException e) {
      throw new IdxFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
    }
    try {
      if (in.read() != -1) {
        throw new IdxFormatException(
            file,
            "has trailing bytes after the %d data bytes its header declares".formatted(length));
      }
    } catch (ZipException | EOFException e) {
      throw new IdxFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
    }
    return body;
  }
}
