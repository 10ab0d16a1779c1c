package dev.digitstream.model;

/**
 * The hidden-layer activation of the LeNet. Each must be non-decreasing: {@link ChannelsLastLeNet}
 * applies it after max-pooling instead of before, which gives the same numbers only then (its test
 * compares every value here against DL4J's own forward pass).
 */
public enum Activation {
  /** ReLU, as in the Keras tutorial; the default. */
  RELU(org.nd4j.linalg.activations.Activation.RELU),
  /** tanh, as in LeCun et al. 1998. */
  TANH(org.nd4j.linalg.activations.Activation.TANH);

  private final org.nd4j.linalg.activations.Activation dl4j;

  Activation(org.nd4j.linalg.activations.Activation dl4j) {
    this.dl4j = dl4j;
  }

  org.nd4j.linalg.activations.Activation dl4j() {
    return dl4j;
  }

  /** Parses {@code relu} or {@code tanh}, ignoring case. */
  public static Activation parse(String name) {
    for (Activation activation : values()) {
      if (activation.name().equalsIgnoreCase(name.trim())) {
        return activation;
      }
    }
    throw new IllegalArgumentException("unknown activation '" + name + "' (choose relu or tanh)");
  }
}
