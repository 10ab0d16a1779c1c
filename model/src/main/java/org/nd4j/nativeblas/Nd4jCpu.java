package org.nd4j.nativeblas;

/**
 * Compatibility bridge that lets Deeplearning4j 1.0.0-M2.1 find oneDNN.
 *
 * <p>DL4J's {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up {@code
 * org.nd4j.nativeblas.Nd4jCpu$Environment#isUseMKLDNN()} by reflection, but ND4J M2.1 moved that
 * class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment} and renamed the
 * method {@code isUseONEDNN()}. Without this class every convolution and pooling layer silently
 * takes the slow im2col path (about ten times slower). Delete it when DL4J fixes the lookup.
 */
public final class Nd4jCpu {

  private Nd4jCpu() {}

  /** The old name of the native environment, delegating to the new one. */
  public static final class Environment {

    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    public static Environment getInstance() {
      return INSTANCE;
    }

    /** Whether the loaded natives were built with oneDNN and have it switched on. */
    public boolean isUseMKLDNN() {
      return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }
  }
}
