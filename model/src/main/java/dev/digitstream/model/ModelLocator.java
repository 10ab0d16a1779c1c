package dev.digitstream.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Finds the model a path names: a model file itself; a run folder holding {@value
 * ModelFiles#FILE_NAME}; or a folder of run folders, of which the newest model (by creation time in
 * its metadata) is taken.
 */
final class ModelLocator {

  private ModelLocator() {}

  static Path resolve(Path path) throws ModelFileException {
    if (Files.isRegularFile(path)) {
      return path;
    }
    if (!Files.isDirectory(path)) {
      throw new ModelFileException(path, "file not found");
    }
    Path direct = path.resolve(ModelFiles.FILE_NAME);
    if (Files.isRegularFile(direct)) {
      return direct;
    }
    Path newest = null;
    Instant newestTime = Instant.MIN;
    try (var runs = Files.list(path)) {
      for (Path candidate :
          (Iterable<Path>) runs.map(r -> r.resolve(ModelFiles.FILE_NAME))::iterator) {
        if (Files.isRegularFile(candidate)) {
          Instant created = ModelReader.readMetadata(candidate).createdAt();
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
      throw new ModelFileException(
          path, "no " + ModelFiles.FILE_NAME + " in this folder or its run folders");
    }
    return newest;
  }
}
