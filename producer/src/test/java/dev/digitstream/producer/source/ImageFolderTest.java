package dev.digitstream.producer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

  @TempDir Path dir;

  private Path picture(String relative, String format) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
    image.getGraphics().fillRect(10, 10, 20, 20);
    ImageIO.write(image, format, file.toFile());
    return file;
  }

  @Test
  void readsPngAndJpegTakesLabelsFromDigitFoldersAndSkipsUnreadableFiles() throws IOException {
    picture("7/a.png", "png");
    picture("3/b.jpg", "jpeg");
    picture("unsorted/c.png", "png");
    Files.writeString(dir.resolve("7/broken.png"), "not a png");
    Files.writeString(dir.resolve("notes.txt"), "ignored: not an image name");

    ImageFolder.Contents contents = ImageFolder.read(dir);

    assertThat(contents.files())
        .containsExactly(
            dir.resolve("3/b.jpg"), dir.resolve("7/a.png"), dir.resolve("unsorted/c.png"));
    assertThat(contents.images().labels()).containsExactly(3, 7, -1);
    assertThat(contents.skipped())
        .singleElement()
        .satisfies(s -> assertThat(s.file()).isEqualTo(dir.resolve("7/broken.png")));
    assertThat(contents.images().image(0)).isNotEqualTo(new byte[784]);
  }

  @Test
  void aMissingFolderIsAClearError() {
    assertThatThrownBy(() -> ImageFolder.read(dir.resolve("nope")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not exist");
  }
}
