package dev.digitstream.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.digitstream.common.mnist.Sha256;
import dev.digitstream.contract.ImageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Model files: DL4J's {@link ModelSerializer} zip (configuration and weights, no updater state)
 * with one more entry, {@value #METADATA_ENTRY}, holding the {@link ModelMetadata}.
 *
 * <p>Writing is atomic: the file is assembled under a temporary name in the target folder and
 * renamed into place, so a crash never leaves a half-written model under the final name.
 */
public final class ModelFiles {

  /** The zip entry holding the metadata JSON. */
  public static final String METADATA_ENTRY = "digit-stream-metadata.json";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private ModelFiles() {}

  /**
   * The version id of a trained network: a hash of its weights, architecture, the input contract,
   * recipe, seed and data set checksums (everything in the metadata but the version, accuracy,
   * libraries and time).
   */
  public static String versionId(
      MultiLayerNetwork network,
      String recipe,
      Map<String, Object> hyperparameters,
      long seed,
      Map<String, String> datasets) {
    MessageDigest digest = Sha256.digest();
    float[] weights = network.params().toFloatVector();
    ByteBuffer bytes =
        ByteBuffer.allocate(weights.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(weights);
    digest.update(bytes);
    try {
      digest.update(
          JSON.writeValueAsBytes(
              new TreeMap<>(
                  Map.of(
                      "architecture",
                      LeNet.describe(network.getLayerWiseConfigurations()),
                      "inputContract",
                      ImageRecord.CONTRACT,
                      "recipe",
                      recipe,
                      "hyperparameters",
                      new TreeMap<>(hyperparameters),
                      "seed",
                      seed,
                      "datasets",
                      new TreeMap<>(datasets)))));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise version inputs", e);
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
  }

  /** Writes a network and its metadata to {@code file}, atomically. */
  public static void save(MultiLayerNetwork network, ModelMetadata metadata, Path file)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path weights = Files.createTempFile(dir, ".weights-", ".zip.part");
    Path assembled = Files.createTempFile(dir, "." + file.getFileName() + "-", ".part");
    try {
      ModelSerializer.writeModel(network, weights.toFile(), false);
      try (ZipInputStream in = new ZipInputStream(Files.newInputStream(weights));
          ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(assembled))) {
        for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
          out.putNextEntry(new ZipEntry(entry.getName()));
          in.transferTo(out);
          out.closeEntry();
        }
        out.putNextEntry(new ZipEntry(METADATA_ENTRY));
        out.write(JSON.writeValueAsBytes(metadata));
        out.closeEntry();
      }
      Files.move(
          assembled, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(weights);
      Files.deleteIfExists(assembled);
    }
  }

  /** The file name of a model inside a trainer run folder. */
  public static final String FILE_NAME = "model.zip";

  /**
   * Finds the model a path names: a model file itself; a run folder holding {@value #FILE_NAME}; or
   * a folder of run folders, of which the newest model (by creation time in its metadata) is taken.
   */
  public static Path resolve(Path path) throws ModelFileException {
    if (Files.isRegularFile(path)) {
      return path;
    }
    if (!Files.isDirectory(path)) {
      throw new ModelFileException(path, "file not found");
    }
    Path direct = path.resolve(FILE_NAME);
    if (Files.isRegularFile(direct)) {
      return direct;
    }
    Path newest = null;
    Instant newestTime = Instant.MIN;
    try (var runs = Files.list(path)) {
      for (Path candidate : (Iterable<Path>) runs.map(r -> r.resolve(FILE_NAME))::iterator) {
        if (Files.isRegularFile(candidate)) {
          Instant created = readMetadata(candidate).createdAt();
          if (created.isAfter(newestTime)) {
            newest = candidate;
            newestTime = created;
          }
        }
      }
    } catch (IOException e) {
      throw new ModelFileException(path, "cannot list folder (" + e.getMessage() + ")", e);
    }
    if (newest == null) {
      throw new ModelFileException(path, "no " + FILE_NAME + " in this folder or its run folders");
    }
    return newest;
  }

  /** Reads only the metadata of a model file. */
  public static ModelMetadata readMetadata(Path file) throws ModelFileException {
    if (!Files.isRegularFile(file)) {
      throw new ModelFileException(file, "file not found");
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      ZipEntry entry = zip.getEntry(METADATA_ENTRY);
      if (entry == null) {
        throw new ModelFileException(
            file, "has no " + METADATA_ENTRY + "; it was not written by the digit-stream trainer");
      }
      try (InputStream in = zip.getInputStream(entry)) {
        return JSON.readValue(in, ModelMetadata.class);
      }
    } catch (ModelFileException e) {
      throw e;
    } catch (IOException e) {
      throw new ModelFileException(file, "corrupt or not a model file (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Loads a model and checks it: the file must be intact, hold a LeNet of the expected
   * architecture, and its weights must match its version id.
   */
  public static LoadedModel load(Path file) throws ModelFileException {
    ModelMetadata metadata = readMetadata(file);
    MultiLayerNetwork network;
    try {
      network = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
    } catch (NoSuchFileException e) {
      throw new ModelFileException(file, "file not found", e);
    } catch (Exception e) {
      throw new ModelFileException(file, "corrupt weights or configuration (" + e + ")", e);
    }
    String architecture = LeNet.describe(network.getLayerWiseConfigurations());
    String expected = LeNet.expectedDescription(metadata.activation());
    if (!architecture.equals(expected) || network.numParams() != LeNet.PARAMETERS) {
      throw new ModelFileException(
          file,
          "architecture %s with %d parameters is not the LeNet this pipeline serves (%s, %d)"
              .formatted(architecture, network.numParams(), expected, LeNet.PARAMETERS));
    }
    if (!ImageRecord.CONTRACT.equals(metadata.inputContract())) {
      throw new ModelFileException(
          file,
          "trained for input contract '%s', this pipeline feeds '%s'"
              .formatted(metadata.inputContract(), ImageRecord.CONTRACT));
    }
    String actualVersion =
        versionId(
            network,
            metadata.recipe(),
            metadata.hyperparameters(),
            metadata.seed(),
            metadata.datasets());
    if (!actualVersion.equals(metadata.versionId())) {
      throw new ModelFileException(
          file,
          "content does not match its version id %s (computed %s): corrupt or altered"
              .formatted(metadata.versionId(), actualVersion));
    }
    return new LoadedModel(network, metadata);
  }

  /** Library and JVM versions, for {@link ModelMetadata#libraries()}. */
  public static Map<String, String> libraryVersions() {
    Map<String, String> versions = new TreeMap<>();
    versions.put("java", System.getProperty("java.version"));
    versions.put("deeplearning4j", packageVersion(MultiLayerNetwork.class));
    versions.put(
        "nd4j-backend",
        String.valueOf(
            org.nd4j.linalg.factory.Nd4j.getExecutioner()
                .getEnvironmentInformation()
                .get("backend")));
    versions.put("onednn", String.valueOf(Nd4jRuntime.oneDnnAvailable()));
    return versions;
  }

  private static String packageVersion(Class<?> type) {
    String version = type.getPackage().getImplementationVersion();
    return version == null ? "unknown" : version;
  }

  /** Metadata creation time, truncated to milliseconds for stable JSON. */
  public static Instant now() {
    return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }
}
