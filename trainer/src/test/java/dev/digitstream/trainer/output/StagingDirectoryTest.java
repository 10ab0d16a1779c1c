package dev.digitstream.trainer.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingDirectoryTest {

  @TempDir Path parent;

  @Test
  void shouldAppearUnderItsNameOnlyWhenPublished() throws IOException {
    try (StagingDirectory staging = StagingDirectory.in(parent)) {
      Files.writeString(staging.path().resolve("a.txt"), "a");
      assertThat(parent.resolve("run")).doesNotExist();

      Path published = staging.publish("run");

      assertThat(published.resolve("a.txt")).hasContent("a");
    }
    try (var files = Files.list(parent)) {
      assertThat(files).containsExactly(parent.resolve("run"));
    }
  }

  @Test
  void shouldLeaveNothingBehindWhenNotPublished() throws IOException {
    try (StagingDirectory staging = StagingDirectory.in(parent)) {
      Files.createDirectories(staging.path().resolve("sub"));
      Files.writeString(staging.path().resolve("sub/half-written"), "x");
    }
    try (var files = Files.list(parent)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void shouldNotOverwriteAnExistingRun() throws IOException {
    Files.createDirectory(parent.resolve("run"));
    try (StagingDirectory staging = StagingDirectory.in(parent)) {
      assertThatThrownBy(() -> staging.publish("run"))
          .isInstanceOf(FileAlreadyExistsException.class);
    }
  }

  @Test
  void shouldFailEarlyWhenTheParentIsNotWritable() throws IOException {
    Path file = Files.writeString(parent.resolve("a-file"), "x");

    assertThatThrownBy(() -> StagingDirectory.in(file.resolve("below")))
        .hasMessageContaining("is not writable");
  }
}
