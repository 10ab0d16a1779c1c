package dev.digitstream.common.mnist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.idx.IdxFormatException;
import dev.digitstream.contract.idx.IdxReader;
import dev.digitstream.contract.idx.LabelledImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on the real MNIST files. */
class IdxReaderOnMnistTest {

  @TempDir Path dir;

  private static final Path MNIST = TestData.mnistDir();

  @Test
  void shouldReadTheGzippedMnistTestSet() throws IOException {
    LabelledImages test =
        IdxReader.read(
            MNIST.resolve("t10k-images-idx3-ubyte.gz"), MNIST.resolve("t10k-labels-idx1-ubyte.gz"));

    assertThat(test.count()).isEqualTo(10_000);
    assertThat(test.pixels()).hasSize(7_840_000);
    assertThat(Arrays.copyOf(test.labels(), 5)).containsExactly(7, 2, 1, 0, 4);
    int[] perClass = new int[10];
    for (byte label : test.labels()) {
      perClass[label]++;
    }
    assertThat(perClass).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
  }

  @Test
  void shouldReadRawFilesToo() throws IOException {
    Path raw = dir.resolve("labels.idx");
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(MNIST.resolve("t10k-labels-idx1-ubyte.gz")))) {
      Files.copy(in, raw);
    }

    assertThat(IdxReader.readLabels(raw)).hasSize(10_000);
  }

  @Test
  void shouldRejectCorruptGzipData() throws IOException {
    byte[] gz = Files.readAllBytes(MNIST.resolve("t10k-labels-idx1-ubyte.gz"));
    byte[] damaged = Arrays.copyOf(gz, gz.length);
    for (int i = 100; i < 400; i++) {
      damaged[i] ^= (byte) 0x5a;
    }
    Path file = write("labels.idx.gz", damaged);

    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining(file.toString());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }
}
