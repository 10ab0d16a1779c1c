package dev.digitstream.model;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Model files: DL4J's {@link ModelSerializer} zip (configuration and weights, no updater state)
 * with one more entry, {@value #METADATA_ENTRY}, holding the {@link ModelMetadata}. The entry
 * points the trainer, the stream application and the tools use; each concern lives in its own
 * class: the version hash ({@link ModelVersion}), storing ({@link ModelWriter}), reading ({@link
 * ModelReader}) with its checks ({@link ModelChecks}), and finding a model from a path ({@link
 * ModelLocator}).
 *
 * <p>Writing is atomic: a crash never leaves a half-written model under the final name.
 */
public final class ModelFiles {

  /** The zip entry holding the metadata JSON. */
  public static final String METADATA_ENTRY = "digit-stream-metadata.json";

  /** The file name of a model inside a trainer run folder. */
  public static final String FILE_NAME = "model.zip";

  private ModelFiles() {}

  /**
   * The version id of a trained network: a hash of its weights, architecture, the input contract,
   * recipe, seed and data set checksums (everything in the metadata but the version, accuracy,
   * libraries, time and calibration).
   */
  public static String versionId(
      MultiLayerNetwork network,
      String recipe,
      Map<String, Object> hyperparameters,
      long seed,
      Map<String, String> datasets) {
    return ModelVersion.of(network, recipe, hyperparameters, seed, datasets);
  }

  /** Writes a network and its metadata to {@code file}, atomically. */
  public static void save(MultiLayerNetwork network, ModelMetadata metadata, Path file)
      throws IOException {
    ModelWriter.save(network, metadata, file);
  }

  /**
   * Finds the model a path names: a model file itself; a run folder holding {@value #FILE_NAME}; or
   * a folder of run folders, of which the newest model (by creation time in its metadata) is taken.
   */
  public static Path resolve(Path path) throws ModelFileException {
    return ModelLocator.resolve(path);
  }

  /** Reads only the metadata of a model file. */
  public static ModelMetadata readMetadata(Path file) throws ModelFileException {
    return ModelReader.readMetadata(file);
  }

  /**
   * Loads a model and checks it: the file must be intact, hold a LeNet of the expected
   * architecture, trained on this pipeline's input contract, and its weights must match its version
   * id.
   */
  public static LoadedModel load(Path file) throws ModelFileException {
    return ModelReader.load(file);
  }

  /** Library and JVM versions, for {@link ModelMetadata#libraries()}. */
  public static Map<String, String> libraryVersions() {
    return Provenance.libraryVersions();
  }

  /** Metadata creation time, truncated to milliseconds for stable JSON. */
  public static Instant now() {
    return Provenance.now();
  }
}
