package dev.digitstream.common.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

  private final DurationConverter converter = new DurationConverter();

  @Test
  void shouldReadEveryDocumentedSpelling() {
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(converter.convert("PT30S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert(" 2S ")).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void shouldReadAPlainNumberAsSeconds() {
    assertThat(converter.convert("5")).isEqualTo(Duration.ofSeconds(5));
    assertThat(converter.convert("0.25")).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void shouldRefuseWhatIsNotADurationWithTheSyntaxInTheMessage() {
    for (String bad : new String[] {"soon", "", "5x", "ms", "1.5s"}) {
      assertThatThrownBy(() -> converter.convert(bad))
          .as(bad)
          .isInstanceOf(CommandLine.TypeConversionException.class)
          .hasMessage("'" + bad + "' is not a duration (use e.g. 500ms, 30s, 5m, 1h)");
    }
  }
}
