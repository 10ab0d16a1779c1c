package dev.digitstream.streamapp.batching;

import dev.digitstream.contract.ImageRecord;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelMetadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * A model as the batchers serve it: its warmed-up copies, one per stream thread (a network is never
 * shared between threads), and how to make another when a thread finds none left. Each {@link
 * ThreadBatcher} takes its copy at its next batch boundary.
 */
public final class ModelGeneration {

  /** Enough calls for the JIT to compile what every call runs (C1 compiles after about 200). */
  private static final int JIT_WARM_UP_CALLS = 1_000;

  private final ModelMetadata metadata;
  private final BlockingQueue<BatchClassifier> warmed;
  private final Supplier<BatchClassifier> fallback;

  /**
   * @param metadata the model's metadata
   * @param warmed ready copies, one per expected stream thread
   * @param fallback makes a copy for a thread that finds none left (threads added later)
   */
  public ModelGeneration(
      ModelMetadata metadata,
      Iterable<BatchClassifier> warmed,
      Supplier<BatchClassifier> fallback) {
    this.metadata = metadata;
    this.warmed = new LinkedBlockingQueue<>();
    warmed.forEach(this.warmed::add);
    this.fallback = fallback;
  }

  /**
   * {@code model} with {@code copies} warmed-up copies (every batch size it will commonly see has
   * run once), made on the calling thread: never a stream thread, so serving does not pause.
   */
  public static ModelGeneration warmedUp(LoadedModel model, int copies, int maxBatch) {
    List<BatchClassifier> warmed = new ArrayList<>();
    for (int i = 0; i < copies; i++) {
      warmed.add(warmedUp(model, maxBatch));
    }
    return new ModelGeneration(model.metadata(), warmed, () -> warmedUp(model, maxBatch));
  }

  private static BatchClassifier warmedUp(LoadedModel model, int maxBatch) {
    BatchClassifier classifier = new BatchClassifier(model, maxBatch);
    byte[] blank = new byte[ImageRecord.SIZE];
    // Single images, cheap, until the JIT has compiled the Java side of inference (ND4J's calls
    // into the native operations, our pre- and postprocessing): interpreted, it slowed the first
    // seconds of serving.
    for (int i = 0; i < JIT_WARM_UP_CALLS; i++) {
      classifier.classify(List.of(blank));
    }
    for (int size = 1; ; size = Math.min(maxBatch, size * 2)) {
      classifier.classify(Collections.nCopies(size, blank));
      if (size == maxBatch) {
        return classifier;
      }
    }
  }

  public String version() {
    return metadata.versionId();
  }

  public ModelMetadata metadata() {
    return metadata;
  }

  /** A copy of the model for the calling thread alone. */
  BatchClassifier take() {
    BatchClassifier classifier = warmed.poll();
    return classifier != null ? classifier : fallback.get();
  }
}
