package dev.digitstream.producer.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MalformationTest {

  @Test
  void exactlyTheAskedFractionIsMalformedAndTheKindsAlternate() {
    Malformation.Plan plan = Malformation.Plan.of(0.03);
    Map<Malformation, Integer> kinds = new EnumMap<>(Malformation.class);
    int malformed = 0;
    for (int n = 0; n < 10_000; n++) {
      Malformation m = plan.kindOf(n);
      if (m != null) {
        malformed++;
        kinds.merge(m, 1, Integer::sum);
      }
    }
    assertThat(malformed).isEqualTo(300).isEqualTo((int) plan.count(10_000));
    assertThat(kinds)
        .containsEntry(Malformation.WRONG_LENGTH, 100)
        .containsEntry(Malformation.EMPTY, 100)
        .containsEntry(Malformation.BAD_LABEL, 100);
  }

  @Test
  void zeroAndOneAreNoneAndAll() {
    assertThat(Malformation.Plan.of(0).kindOf(5)).isNull();
    for (int n = 0; n < 10; n++) {
      assertThat(Malformation.Plan.of(1).kindOf(n)).isNotNull();
    }
  }

  @Test
  void fractionsOutsideZeroToOneAreRefused() {
    assertThatThrownBy(() -> Malformation.Plan.of(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Malformation.Plan.of(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
