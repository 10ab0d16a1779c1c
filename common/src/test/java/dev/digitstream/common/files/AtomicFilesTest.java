package dev.digitstream.common.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir Path dir;

  @Test
  void shouldWriteTheFileAndNothingElse() throws IOException {
    Path target = dir.resolve("sub/report.json");

    AtomicFiles.write(target, out -> out.write("{}".getBytes(StandardCharsets.UTF_8)));

    assertThat(target).hasContent("{}");
    try (var files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void shouldReplaceAnExistingFile() throws IOException {
    Path target = Files.writeString(dir.resolve("report.json"), "old");

    AtomicFiles.writeString(target, "new");

    assertThat(target).hasContent("new");
  }

  @Test
  void shouldLeaveNothingBehindAndTheOldFileIntactWhenTheWriterFails() throws IOException {
    Path target = Files.writeString(dir.resolve("report.json"), "old");

    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write("half".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("writer failed");
                    }))
        .hasMessage("writer failed");

    assertThat(target).hasContent("old");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void shouldLeaveNoFileWhenTheWriterFailsOnANewTarget() throws IOException {
    Path target = dir.resolve("model.zip");

    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class);

    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void shouldAcceptAWriterThatClosesTheStream() throws IOException {
    Path target = dir.resolve("closed.txt");

    AtomicFiles.write(
        target,
        out -> {
          out.write('x');
          out.close();
        });

    assertThat(target).hasContent("x");
  }

  @Test
  void shouldPublishAnAssembledFolderUnderItsName() throws IOException {
    Path assembled = Files.createDirectory(dir.resolve(".staging"));
    Files.writeString(assembled.resolve("a.txt"), "a");

    Path published = AtomicFiles.publishDirectory(assembled, dir.resolve("run"));

    assertThat(published.resolve("a.txt")).hasContent("a");
    assertThat(assembled).doesNotExist();
  }

  @Test
  void shouldNotPublishOverAnExistingFolder() throws IOException {
    Path assembled = Files.createDirectory(dir.resolve(".staging"));
    Path existing = Files.createDirectory(dir.resolve("run"));

    assertThatThrownBy(() -> AtomicFiles.publishDirectory(assembled, existing))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(assembled).exists();
  }
}
