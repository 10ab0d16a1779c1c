package dev.digitstream.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitstream.trainer.evaluation.ScoredSet;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReliabilityDiagramTest {

  /** A row whose digit {@code digit} has {@code p} and the nine others share the rest. */
  private static float[] row(int digit, float p) {
    float[] row = new float[10];
    Arrays.fill(row, (1 - p) / 9);
    row[digit] = p;
    return row;
  }

  @Test
  void shouldComputeTheCalibrationErrorOfATinySetAsByHand() {
    // given: 0.95 right, 0.95 wrong, 0.55 right (0.45 on the runner-up), 0.25 wrong
    float[] third = new float[10];
    third[0] = 0.55f;
    third[1] = 0.45f;
    ScoredSet set =
        new ScoredSet(
            new float[][] {row(3, 0.95f), row(3, 0.95f), third, row(2, 0.25f)},
            new int[] {3, 5, 0, 7},
            0);

    ReliabilityDiagram diagram = ReliabilityDiagram.of(Outcomes.raw(set));

    // bins of width 1/15: (14/15, 1] holds both 0.95s, (8/15, 9/15] the 0.55, (3/15, 4/15] the 0.25
    assertThat(diagram.bins()).hasSize(15);
    assertThat(diagram.bins().get(14).count()).isEqualTo(2);
    assertThat(diagram.bins().get(14).accuracy()).isEqualTo(0.5);
    assertThat(diagram.bins().get(8).count()).isEqualTo(1);
    assertThat(diagram.bins().get(3).count()).isEqualTo(1);
    assertThat(diagram.total()).isEqualTo(4);
    // ECE = 2/4 |0.5 - 0.95| + 1/4 |1 - 0.55| + 1/4 |0 - 0.25| = 0.225 + 0.1125 + 0.0625
    assertThat(diagram.ece()).isCloseTo(0.4, within(1e-6));
  }

  @Test
  void shouldCloseBinsAbove() {
    Outcomes outcomes =
        new Outcomes(new double[] {0.0, 0.2, 0.5, 1.0}, new boolean[] {true, true, true, true});

    ReliabilityDiagram diagram = ReliabilityDiagram.of(outcomes, 10);

    assertThat(diagram.bins().get(0).count()).isEqualTo(1); // 0 falls in the first
    assertThat(diagram.bins().get(1).count()).isEqualTo(1); // 0.2 in (0.1, 0.2]
    assertThat(diagram.bins().get(4).count()).isEqualTo(1); // 0.5 in (0.4, 0.5]
    assertThat(diagram.bins().get(9).count()).isEqualTo(1); // 1 in (0.9, 1]
  }

  @Test
  void shouldBeZeroWhenConfidenceMatchesAccuracyInEveryBin() {
    Outcomes outcomes =
        new Outcomes(new double[] {0.5, 0.5, 1.0, 1.0}, new boolean[] {true, false, true, true});

    assertThat(ReliabilityDiagram.of(outcomes).ece()).isZero();
    assertThat(ReliabilityDiagram.of(new Outcomes(new double[0], new boolean[0])).ece()).isZero();
  }
}
