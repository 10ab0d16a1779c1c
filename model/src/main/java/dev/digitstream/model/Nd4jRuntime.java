package dev.digitstream.model;

import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide ND4J set-up: float32, the requested number of native threads, and DL4J's oneDNN
 * layer helpers switched on (DL4J M2.1 ships them switched off; see {@code
 * org.nd4j.nativeblas.Nd4jCpu}). Call {@link #configure} before building or loading a network.
 */
public final class Nd4jRuntime {

  /** DL4J's switch for layer helpers; it defaults to "true" (disabled) in M2.1. */
  static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

  /**
   * OpenBLAS's kernel choice, read once when it loads. ND4J M2.1 bundles OpenBLAS 0.3.19, which
   * runs its generic kernel on a CPU it does not know (this project's build machine among them);
   * naming the kernel skips that detection (BENCHMARKS.md, "OpenBLAS kernel and threads").
   */
  static final String OPENBLAS_CORETYPE = "OPENBLAS_CORETYPE";

  private static final Set<String> X86_64 = Set.of("amd64", "x86_64");

  private static final Logger LOG = LoggerFactory.getLogger(Nd4jRuntime.class);

  private static boolean kernelChecked;

  private Nd4jRuntime() {}

  /**
   * Configures ND4J for this process.
   *
   * @param threads native threads per operation; 1 when each worker thread owns its own network
   */
  public static synchronized void configure(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    // OpenBLAS (DL4J's dense layers) on one thread whatever `threads` says: its thread pool and the
    // OpenMP threads of oneDNN, which spin a while after each operation, fought over the cores.
    // Training with 2 threads measured 1,119 images/s with 2 BLAS threads and 1,496 with 1
    // (BENCHMARKS.md, "OpenBLAS kernel and threads").
    Nd4j.factory().blas().setMaxThreads(1);
    if (!oneDnnAvailable()) {
      LOG.warn(
          "ND4J natives without oneDNN: convolutions will run about 10x slower."
              + " Use the nd4j-native classifier linux-x86_64-onednn.");
    }
    LOG.debug("ND4J configured: {} thread(s), oneDNN {}", threads, oneDnnAvailable());
  }

  /**
   * Logs a warning, once per process, when {@code OPENBLAS_CORETYPE} is not set on x86-64. Only
   * training needs it: DL4J runs its dense layers on OpenBLAS, while inference ({@link
   * BatchClassifier}) runs on oneDNN.
   */
  public static synchronized void warnIfBlasKernelUnset() {
    if (!kernelChecked
        && System.getenv(OPENBLAS_CORETYPE) == null
        && X86_64.contains(System.getProperty("os.arch"))) {
      LOG.warn(
          "{} is not set: the OpenBLAS that ND4J bundles (0.3.19) runs a generic kernel on CPUs it"
              + " does not recognise, measured to make training 1.3x slower. Start Java through"
              + " bin/with-openblas-kernel, as ./run-pipeline and the trainer's Docker image do.",
          OPENBLAS_CORETYPE);
    }
    kernelChecked = true;
  }

  /** Whether the loaded ND4J natives include oneDNN and have it enabled. */
  public static boolean oneDnnAvailable() {
    return org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN();
  }

  /**
   * The simple class name of the helper each layer runs on ({@code "none"} for the built-in Java
   * path), in layer order; used to prove that convolution and pooling run on oneDNN.
   */
  public static String[] layerHelpers(MultiLayerNetwork network) {
    Layer[] layers = network.getLayers();
    String[] names = new String[layers.length];
    for (int i = 0; i < layers.length; i++) {
      LayerHelper helper = layers[i].getHelper();
      names[i] = helper == null ? "none" : helper.getClass().getSimpleName();
    }
    return names;
  }
}
