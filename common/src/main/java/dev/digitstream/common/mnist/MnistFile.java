package dev.digitstream.common.mnist;

/** The four files of the official MNIST release, with their published SHA-256 checksums. */
public enum MnistFile {
  TRAIN_IMAGES(
      "train-images-idx3-ubyte.gz",
      "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
  TRAIN_LABELS(
      "train-labels-idx1-ubyte.gz",
      "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
  TEST_IMAGES(
      "t10k-images-idx3-ubyte.gz",
      "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
  TEST_LABELS(
      "t10k-labels-idx1-ubyte.gz",
      "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6");

  private final String fileName;
  private final String sha256;

  MnistFile(String fileName, String sha256) {
    this.fileName = fileName;
    this.sha256 = sha256;
  }

  public String fileName() {
    return fileName;
  }

  public String sha256() {
    return sha256;
  }
}
