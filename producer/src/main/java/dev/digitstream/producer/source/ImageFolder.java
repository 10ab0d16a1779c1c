package dev.digitstream.producer.source;

import dev.digitstream.common.images.DigitImages;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.idx.LabelledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of ordinary image files (PNG, JPEG, GIF, BMP), searched recursively in path order, each
 * converted by {@link DigitImages}. A file whose parent folder is named with one digit ({@code
 * 7/scan-001.png}) carries that label; others are unlabelled.
 */
public final class ImageFolder {

  private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp");

  /** A file that could not be read as an image, and why. */
  public record Skipped(Path file, String reason) {}

  /** The converted images, their file names, and the files skipped. */
  public record Contents(LabelledImages images, List<Path> files, List<Skipped> skipped) {}

  private ImageFolder() {}

  /**
   * Reads every image file under {@code dir}.
   *
   * @throws IOException when the folder cannot be listed
   */
  public static Contents read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("image folder " + dir + " does not exist or is not a folder");
    }
    List<Path> candidates;
    try (Stream<Path> walk = Files.walk(dir)) {
      candidates =
          walk.filter(Files::isRegularFile).filter(ImageFolder::isImageName).sorted().toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<Path> files = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    byte[] pixels = new byte[candidates.size() * ImageRecord.SIZE];
    byte[] labels = new byte[candidates.size()];
    for (Path file : candidates) {
      BufferedImage picture;
      try {
        picture = ImageIO.read(file.toFile());
      } catch (IOException | RuntimeException e) {
        skipped.add(new Skipped(file, "unreadable: " + e.getMessage()));
        continue;
      }
      if (picture == null) {
        skipped.add(new Skipped(file, "not an image format this tool reads"));
        continue;
      }
      int i = files.size();
      System.arraycopy(
          DigitImages.toMnist(picture), 0, pixels, i * ImageRecord.SIZE, ImageRecord.SIZE);
      labels[i] = (byte) labelOf(file);
      files.add(file);
    }
    LabelledImages images =
        new LabelledImages(
            java.util.Arrays.copyOf(pixels, files.size() * ImageRecord.SIZE),
            java.util.Arrays.copyOf(labels, files.size()));
    return new Contents(images, List.copyOf(files), List.copyOf(skipped));
  }

  /** The digit named by the file's parent folder, or -1. */
  static int labelOf(Path file) {
    Path parent = file.getParent();
    String name = parent == null ? "" : parent.getFileName().toString();
    return name.length() == 1 && name.charAt(0) >= '0' && name.charAt(0) <= '9'
        ? name.charAt(0) - '0'
        : -1;
  }

  private static boolean isImageName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
