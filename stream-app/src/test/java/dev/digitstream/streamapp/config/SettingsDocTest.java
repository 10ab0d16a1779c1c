package dev.digitstream.streamapp.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The settings table of docs/stream-app.md is generated from {@link StreamAppSettings}: this test
 * fails when they differ, and rewrites the table when run with {@code -Dsettings.update=true}.
 */
class SettingsDocTest {

  private static final Path DOC = TestData.projectRoot().resolve(Path.of("docs", "stream-app.md"));
  private static final String BEGIN = "<!-- settings:begin";
  private static final String END = "<!-- settings:end -->";

  @Test
  void shouldDocumentEverySettingAsDefined() throws IOException {
    String expected = StreamAppSettings.markdownTable();
    if (Boolean.getBoolean("settings.update")) {
      String doc = Files.readString(DOC);
      Files.writeString(
          DOC, doc.substring(0, tableStart(doc)) + expected + doc.substring(tableEnd(doc)));
    }

    String doc = Files.readString(DOC);
    String documented = doc.substring(tableStart(doc), tableEnd(doc));

    assertThat(documented)
        .as(
            "the settings table in %s differs from StreamAppSettings; run this test with"
                + " -Dsettings.update=true to rewrite it as:%n%s",
            DOC, expected)
        .isEqualTo(expected);
  }

  @Test
  void shouldListDefaultsAndValidValuesFromTheDefinitions() {
    assertThat(StreamAppSettings.markdownTable())
        .contains("| `BATCH_MAX_SIZE` | `128` | images per inference at most")
        .contains("| `STREAM_THREADS` | number of cores |")
        .contains("`exactly_once_v2` or `at_least_once`")
        .contains("| `KAFKA_CFG_<NAME>` |")
        .endsWith("| `LOG_LEVEL` | `INFO` | root log level (read by logback) |\n");
  }

  private static int tableStart(String doc) {
    int begin = doc.indexOf(BEGIN);
    assertThat(begin).as("%s in %s", BEGIN, DOC).isNotNegative();
    return doc.indexOf('\n', begin) + 1;
  }

  private static int tableEnd(String doc) {
    int end = doc.indexOf(END);
    assertThat(end).as("%s in %s", END, DOC).isGreaterThan(doc.indexOf(BEGIN));
    return end;
  }
}
