package dev.digitstream.producer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitstream.common.TestData;
import dev.digitstream.common.images.OutOfDistributionSets;
import dev.digitstream.contract.idx.LabelledImages;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A mixed source built from the real MNIST files and the out-of-distribution sets. */
class SourceMixTest {

  private static final long RECORDS = 20_000;

  @Test
  void shouldGiveEachSourceItsShareOfTheRecordsSent() throws Exception {
    // given
    Mix mix = Mix.parse("test:0.9,letters:0.05,noise:0.03,crops:0.02");

    // when: a run of 20,000 records, two cycles of the mix
    Source source = Source.mix(mix, 1998, TestData.mnistDir(), Map.of());

    // then
    Map<String, Integer> perSource = new HashMap<>();
    for (long n = 0; n < RECORDS; n++) {
      perSource.merge(source.partOf(n), 1, Integer::sum);
    }
    for (Mix.Part part : mix.parts()) {
      assertThat(perSource.get(part.name()) / (double) RECORDS)
          .as(part.name())
          .isCloseTo(part.share(), within(0.002));
    }
    assertThat(source.description())
        .isEqualTo(
            "mix test 90 % + letters 5 % + noise 3 % + crops 2 % (10,000-record cycle, seed 1998)");
  }

  @Test
  void shouldSendMnistDigitsWithTheirLabelsAndOutOfDistributionImagesWithout() throws Exception {
    // given
    LabelledImages test = TestData.mnist().test();
    LabelledImages noise =
        OutOfDistributionSets.of(OutOfDistributionSets.Kind.NOISE, 2_000, test, 5);

    // when
    Source source = Source.mix(Mix.parse("test:0.8,noise:0.2"), 5, TestData.mnistDir(), Map.of());

    // then: the j-th record of a source is image j of its set
    int tests = 0;
    int noises = 0;
    for (int n = 0; n < 10_000; n++) {
      if (source.partOf(n).equals("test")) {
        assertThat(source.images().image(n)).isEqualTo(test.image(tests));
        assertThat(source.labelOf(n)).isEqualTo(test.label(tests++));
      } else {
        assertThat(source.images().image(n)).isEqualTo(noise.image(noises++ % 2_000));
        assertThat(source.labelOf(n)).isEqualTo(-1);
      }
    }
    assertThat(tests).isEqualTo(8_000);
    assertThat(noises).isEqualTo(2_000);
  }

  @Test
  void shouldBuildTheSameRecordsFromTheSameSeed() throws Exception {
    Mix mix = Mix.parse("test:0.5,blank:0.5");

    Source once = Source.mix(mix, 3, TestData.mnistDir(), Map.of());
    Source again = Source.mix(mix, 3, TestData.mnistDir(), Map.of());

    assertThat(again.images().pixels()).isEqualTo(once.images().pixels());
    assertThat(again.parts().ofImage()).isEqualTo(once.parts().ofImage());
  }
}
