package dev.digitstream.producer.source;

import dev.digitstream.common.mnist.MnistData;
import dev.digitstream.contract.idx.IdxReader;
import dev.digitstream.contract.idx.LabelledImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The images a run sends, where they came from, and the files that could not be read. A label of -1
 * means unknown.
 */
public record Source(String description, LabelledImages images, List<ImageFolder.Skipped> skipped) {

  /** The MNIST test or training set, from the trainer's data folder ({@code --data-dir}, ...). */
  public static Source mnist(boolean train, Path dataDir, Map<String, String> env)
      throws IOException {
    MnistData data = MnistData.fromOptions(dataDir, env);
    LabelledImages images = train ? data.train() : data.test();
    return new Source(
        "mnist-%s (%,d images)".formatted(train ? "train" : "test", images.count()),
        images,
        List.of());
  }

  /** Any IDX image file with its label file (Fashion-MNIST, EMNIST digits, ...). */
  public static Source idx(Path images, Path labels) throws IOException {
    LabelledImages read = IdxReader.read(images, labels);
    return new Source("%s (%,d images)".formatted(images, read.count()), read, List.of());
  }

  /** A folder of image files, converted the MNIST way. */
  public static Source folder(Path dir) throws IOException {
    ImageFolder.Contents contents = ImageFolder.read(dir);
    if (contents.images().count() == 0) {
      throw new IOException(
          "image folder %s holds no readable image (%d file(s) skipped)"
              .formatted(dir, contents.skipped().size()));
    }
    return new Source(
        "%s (%,d images)".formatted(dir, contents.images().count()),
        contents.images(),
        contents.skipped());
  }
}
