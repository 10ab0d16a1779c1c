package dev.digitstream.contract.idx;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  @TempDir Path dir;

  @Test
  void shouldRejectATruncatedFile() throws IOException {
    Path truncated = write("images.idx", imagesHeader(3), new byte[784 * 2 + 100]);

    assertThatThrownBy(() -> IdxReader.readImages(truncated))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining(truncated.toString())
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldRejectATruncatedHeader() throws IOException {
    Path file = write("images.idx", new byte[] {0, 0, 8, 3, 0});

    assertThatThrownBy(() -> IdxReader.readImages(file)).hasMessageContaining("truncated header");
  }

  @Test
  void shouldRejectTrailingBytes() throws IOException {
    Path file = write("labels.idx", labelsHeader(2), new byte[] {1, 2, 3});

    assertThatThrownBy(() -> IdxReader.readLabels(file)).hasMessageContaining("trailing bytes");
  }

  @Test
  void shouldRejectAWrongMagicNumber() throws IOException {
    Path labelsAsImages = write("labels.idx", labelsHeader(1), new byte[] {3});

    assertThatThrownBy(() -> IdxReader.readImages(labelsAsImages))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("wrong magic number 0x00000801");
  }

  @Test
  void shouldRejectImagesThatAreNot28By28() throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(header);
    out.writeInt(IdxReader.IMAGES_MAGIC);
    out.writeInt(1);
    out.writeInt(32);
    out.writeInt(32);
    Path file = write("images.idx", header.toByteArray(), new byte[1024]);

    assertThatThrownBy(() -> IdxReader.readImages(file))
        .hasMessageContaining("dimensions 1 x 32 x 32");
  }

  @Test
  void shouldRejectImageAndLabelCountsThatDisagree() throws IOException {
    Path images = write("images.idx", imagesHeader(2), new byte[784 * 2]);
    Path labels = write("labels.idx", labelsHeader(3), new byte[] {1, 2, 3});

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("holds 3 labels but")
        .hasMessageContaining("holds 2 images");
  }

  @Test
  void shouldRejectLabelsThatAreNotDigits() throws IOException {
    Path images = write("images.idx", imagesHeader(1), new byte[784]);
    Path labels = write("labels.idx", labelsHeader(1), new byte[] {12});

    assertThatThrownBy(() -> IdxReader.read(images, labels)).hasMessageContaining("is not a digit");
  }

  @Test
  void shouldRejectATruncatedGzipFile() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(labelsHeader(1000));
      gz.write(new byte[1000]);
    }
    Path file = write("labels.idx.gz", Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2));

    assertThatThrownBy(() -> IdxReader.readLabels(file)).isInstanceOf(IdxFormatException.class);
  }

  @Test
  void shouldNameAMissingFile() {
    Path missing = dir.resolve("nope.idx");

    assertThatThrownBy(() -> IdxReader.readLabels(missing))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(missing.toString());
  }

  private Path write(String name, byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part);
    }
    return Files.write(dir.resolve(name), out.toByteArray());
  }

  private static byte[] imagesHeader(int count) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(IdxReader.IMAGES_MAGIC);
    out.writeInt(count);
    out.writeInt(28);
    out.writeInt(28);
    return bytes.toByteArray();
  }

  private static byte[] labelsHeader(int count) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(IdxReader.LABELS_MAGIC);
    out.writeInt(count);
    return bytes.toByteArray();
  }
}
