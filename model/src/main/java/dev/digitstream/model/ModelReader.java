package dev.digitstream.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Reads model files: the metadata alone, or the network with it, checked by {@link ModelChecks}.
 */
final class ModelReader {

  private ModelReader() {}

  static ModelMetadata readMetadata(Path file) throws ModelFileException {
    if (!Files.isRegularFile(file)) {
      throw new ModelFileException(file, "file not found");
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      ZipEntry entry = zip.getEntry(ModelFiles.METADATA_ENTRY);
      if (entry == null) {
        throw new ModelFileException(
            file,
            "has no "
                + ModelFiles.METADATA_ENTRY
                + "; it was not written by the digit-stream trainer");
      }
      try (InputStream in = zip.getInputStream(entry)) {
        return ModelJson.MAPPER.readValue(in, ModelMetadata.class);
      }
    } catch (ModelFileException e) {
      throw e;
    } catch (IOException e) {
      throw new ModelFileException(file, "corrupt or not a model file (" + e.getMessage() + ")", e);
    }
  }

  static LoadedModel load(Path file) throws ModelFileException {
    ModelMetadata metadata = readMetadata(file);
    MultiLayerNetwork network;
    try {
      network = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
    } catch (NoSuchFileException e) {
      throw new ModelFileException(file, "file not found", e);
    } catch (Exception e) {
      throw new ModelFileException(file, "corrupt weights or configuration (" + e + ")", e);
    }
    ModelChecks.verify(file, network, metadata);
    return new LoadedModel(network, metadata);
  }
}
