package dev.digitstream.benchmarks.jmh;

import dev.digitstream.benchmarks.Bench;
import dev.digitstream.common.TestData;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.PixelScaling;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cheap per-record steps the stream-app does around inference, to show they stay cheap beside
 * it (about 100 µs of inference per image): validating a record, scaling its pixels, turning the
 * network's output into a {@link Prediction}, and encoding that as the output record's JSON. The
 * pending store's record serde ({@code PendingRecord}) is package-private to the stream-app's
 * topology and is not measured here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PerRecordBenchmark {

  private byte[] image;
  private byte[] labelHeader;
  private float[] scaled;
  private float[] probabilities;
  private Prediction prediction;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Bench.init();
    image = TestData.mnist().test().image(0);
    labelHeader = ImageRecord.labelHeader(7);
    scaled = new float[ImageRecord.SIZE];
    probabilities =
        new float[] {1e-6f, 2e-6f, 3e-5f, 1e-4f, 2e-6f, 1e-6f, 1e-7f, 0.9998f, 4e-6f, 6e-5f};
    prediction = Prediction.fromProbabilities(probabilities, "default-37ff2aaba61288bc");
  }

  @Benchmark
  public Optional<?> validateRecord() {
    return ImageRecord.check(image, labelHeader);
  }

  @Benchmark
  public float[] scalePixels() {
    PixelScaling.scale(image, 0, scaled, 0, ImageRecord.SIZE);
    return scaled;
  }

  @Benchmark
  public Prediction predictionFromProbabilities() {
    return Prediction.fromProbabilities(probabilities, "default-37ff2aaba61288bc");
  }

  @Benchmark
  public byte[] encodePrediction() {
    return PredictionCodec.encode(prediction);
  }
}
