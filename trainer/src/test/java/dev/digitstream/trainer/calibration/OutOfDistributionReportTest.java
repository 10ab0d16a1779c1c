package dev.digitstream.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class OutOfDistributionReportTest {

  @Test
  void shouldComputeTheAurocAsTheChanceAnOutScoreBeatsAnInScoreTiesCountingHalf() {
    assertThat(OutOfDistributionReport.auroc(new double[] {1, 2}, new double[] {3, 4}))
        .isEqualTo(1);
    assertThat(OutOfDistributionReport.auroc(new double[] {3, 4}, new double[] {1, 2})).isZero();
    assertThat(OutOfDistributionReport.auroc(new double[] {1, 1}, new double[] {1, 1}))
        .isEqualTo(0.5);
    // pairs (in, out): (1,2) win, (3,2) loss, (1,3) win, (3,3) tie: 2.5 of 4
    assertThat(OutOfDistributionReport.auroc(new double[] {1, 3}, new double[] {2, 3}))
        .isEqualTo(0.625);
  }

  @Test
  void shouldAgreeWithCountingEveryPairOnRandomScores() {
    Random random = new Random(11);
    for (int run = 0; run < 50; run++) {
      double[] in = new double[1 + random.nextInt(40)];
      double[] out = new double[1 + random.nextInt(40)];
      for (int i = 0; i < in.length; i++) {
        in[i] = random.nextInt(10); // many ties
      }
      for (int i = 0; i < out.length; i++) {
        out[i] = random.nextInt(12);
      }
      double wins = 0;
      for (double a : in) {
        for (double b : out) {
          wins += b > a ? 1 : b == a ? 0.5 : 0;
        }
      }
      assertThat(OutOfDistributionReport.auroc(in, out))
          .isCloseTo(wins / (in.length * out.length), within(1e-12));
    }
  }
}
