package dev.digitstream.producer.source;

import dev.digitstream.common.images.OutOfDistributionSets;
import dev.digitstream.common.mnist.MnistData;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.idx.IdxReader;
import dev.digitstream.contract.idx.LabelledImages;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The images a run sends, where they came from, and the files that could not be read. A label of -1
 * means unknown. Record {@code n} of a run is image {@code n mod count}.
 *
 * @param parts for a {@link Mix}, which of its sources each image came from; null otherwise
 */
public record Source(
    String description, LabelledImages images, List<ImageFolder.Skipped> skipped, Parts parts) {

  /** Images built for each generated out-of-distribution set of a mix (letters have 1,872). */
  static final int OUT_OF_DISTRIBUTION_IMAGES = 2_000;

  /**
   * Which source of a mix each image came from.
   *
   * @param names the mix's sources, in the order given
   * @param ofImage for each image, the index of its source in {@code names}
   */
  public record Parts(List<String> names, byte[] ofImage) {}

  /** A source that is not a mix. */
  public Source(String description, LabelledImages images, List<ImageFolder.Skipped> skipped) {
    this(description, images, skipped, null);
  }

  /** The label of record {@code n} of a run, or -1 when unknown. */
  public int labelOf(long n) {
    return images.label(index(n));
  }

  /** The mix source record {@code n} of a run came from, or null when this is not a mix. */
  public String partOf(long n) {
    return parts == null ? null : parts.names().get(parts.ofImage()[index(n)]);
  }

  private int index(long n) {
    return (int) (n % images.count());
  }

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

  /**
   * A {@link Mix} of MNIST sets and out-of-distribution sets, one cycle of {@link Mix#CYCLE}
   * records. The j-th record a part gives is image {@code j} of its set (cycling the set); the
   * out-of-distribution sets are built from {@code seed} (inverted digits and crops from the MNIST
   * test set) and carry no label.
   */
  public static Source mix(Mix mix, long seed, Path dataDir, Map<String, String> env)
      throws IOException {
    MnistData mnist = MnistData.fromOptions(dataDir, env);
    LabelledImages test = null;
    List<LabelledImages> sets = new ArrayList<>();
    for (Mix.Part part : mix.parts()) {
      if (part.name().equals("train")) {
        sets.add(mnist.train());
        continue;
      }
      if (test == null) {
        test = mnist.test();
      }
      sets.add(
          part.name().equals("test")
              ? test
              : OutOfDistributionSets.of(
                  OutOfDistributionSets.Kind.fromCliName(part.name()),
                  OUT_OF_DISTRIBUTION_IMAGES,
                  test,
                  seed));
    }
    byte[] ofImage = mix.assign(Mix.CYCLE, seed);
    byte[] pixels = new byte[Mix.CYCLE * ImageRecord.SIZE];
    byte[] labels = new byte[Mix.CYCLE];
    int[] taken = new int[sets.size()];
    for (int i = 0; i < Mix.CYCLE; i++) {
      LabelledImages set = sets.get(ofImage[i]);
      int index = taken[ofImage[i]]++ % set.count();
      System.arraycopy(
          set.pixels(), index * ImageRecord.SIZE, pixels, i * ImageRecord.SIZE, ImageRecord.SIZE);
      labels[i] = (byte) set.label(index);
    }
    StringJoiner description = new StringJoiner(" + ", "mix ", "");
    mix.parts()
        .forEach(
            p ->
                description.add(
                    String.format(Locale.ROOT, "%s %s %%", p.name(), percent(p.share()))));
    return new Source(
        description + " (%,d-record cycle, seed %d)".formatted(Mix.CYCLE, seed),
        new LabelledImages(pixels, labels),
        List.of(),
        new Parts(mix.parts().stream().map(Mix.Part::name).toList(), ofImage));
  }

  private static String percent(double share) {
    return new BigDecimal(share * 100)
        .round(new MathContext(6))
        .stripTrailingZeros()
        .toPlainString();
  }
}
