package dev.digitstream.model;

import dev.digitstream.common.files.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** Stores a network with its metadata: DL4J's zip plus one metadata entry, written atomically. */
final class ModelWriter {

  private ModelWriter() {}

  static void save(MultiLayerNetwork network, ModelMetadata metadata, Path file)
      throws IOException {
    // DL4J writes a whole zip; its entries are copied into ours, beside the metadata
    ByteArrayOutputStream weights = new ByteArrayOutputStream();
    ModelSerializer.writeModel(network, weights, false);
    AtomicFiles.write(
        file,
        target -> {
          try (ZipInputStream in =
                  new ZipInputStream(new ByteArrayInputStream(weights.toByteArray()));
              ZipOutputStream out = new ZipOutputStream(target)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
              out.putNextEntry(new ZipEntry(entry.getName()));
              in.transferTo(out);
              out.closeEntry();
            }
            out.putNextEntry(new ZipEntry(ModelFiles.METADATA_ENTRY));
            out.write(ModelJson.MAPPER.writeValueAsBytes(metadata));
            out.closeEntry();
          }
        });
  }
}
