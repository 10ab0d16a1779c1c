package dev.digitstream.common.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

  @TempDir Path dir;

  @Test
  void shouldDeleteATreeWithoutFollowingLinksAndTolerateAMissingOne() throws IOException {
    Path root = Files.createDirectories(dir.resolve("root/a/b"));
    Files.writeString(root.resolve("file"), "x");
    Files.writeString(dir.resolve("root/top"), "y");
    Path outside = Files.writeString(dir.resolve("outside"), "z");
    Files.createSymbolicLink(dir.resolve("root/link"), outside);

    FileTrees.deleteRecursively(dir.resolve("root"));
    FileTrees.deleteRecursively(dir.resolve("root"));

    assertThat(dir.resolve("root")).doesNotExist();
    assertThat(outside).hasContent("z");
  }
}
