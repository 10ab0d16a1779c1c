package dev.digitstream.producer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MixTest {

  @Test
  void shouldReadSourcesAndSharesInTheOrderGiven() {
    Mix mix = Mix.parse("test:0.9, letters:0.05,noise:0.05");

    assertThat(mix.parts())
        .containsExactly(
            new Mix.Part("test", 0.9), new Mix.Part("letters", 0.05), new Mix.Part("noise", 0.05));
  }

  @Test
  void shouldKnowEveryOutOfDistributionSetAndBothMnistSets() {
    assertThat(Mix.names())
        .containsExactly("test", "train", "letters", "noise", "blank", "inverted", "crops");
    assertThat(Mix.outOfDistribution("letters")).isTrue();
    assertThat(Mix.outOfDistribution("train")).isFalse();
    assertThat(Mix.parse("train:1").parts()).containsExactly(new Mix.Part("train", 1));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                           | '' is not NAME:SHARE",
        "test                         | 'test' is not NAME:SHARE",
        "test:0.5:1                   | 'test:0.5:1' is not NAME:SHARE",
        ":1                           | ':1' is not NAME:SHARE",
        "test:0.95,                   | '' is not NAME:SHARE",
        "test:half                    | share of test is not a number: 'half'",
        "digits:1                     | unknown source 'digits' (one of test, train, letters,",
        "test:0.5,test:0.5            | source 'test' given twice",
        "test:1.2,noise:-0.2          | share of test must be within (0, 1], got 1.2",
        "test:1,noise:0               | share of noise must be within (0, 1], got 0.0",
        "test:NaN                     | share of test must be within (0, 1], got NaN",
        "test:0.99999,noise:0.00001   | share of noise is below one record in 10,000",
        "test:0.9,letters:0.05        | shares must sum to 1, they sum to 0.950000",
        "test:0.9,letters:0.2         | shares must sum to 1, they sum to 1.100000",
      })
  void shouldRejectABadSpecNamingTheCause(String spec, String cause) {
    assertThatThrownBy(() -> Mix.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(cause)
        .message()
        .doesNotContain("\n");
  }

  @Test
  void shouldAcceptSharesThatSumToOneWithinTheTolerance() {
    assertThat(Mix.parse("test:0.3333333,noise:0.3333333,blank:0.3333334").parts()).hasSize(3);
    assertThat(Mix.parse("test:0.7,noise:0.2999995").parts()).hasSize(2);
    assertThatThrownBy(() -> Mix.parse("test:0.7,noise:0.299998")).hasMessageContaining("sum to 1");
  }

  @Property(tries = 200)
  void shouldReadBackAnyValidSpecAndGiveEachPartItsShareExactly(
      @ForAll("mixes") List<Mix.Part> parts) {
    // given a spec written from random parts whose shares sum to 1
    String spec =
        parts.stream()
            .map(p -> String.format(Locale.ROOT, "%s:%s", p.name(), p.share()))
            .collect(Collectors.joining(","));

    // when
    Mix mix = Mix.parse(spec);
    byte[] order = mix.assign(Mix.CYCLE, 42);

    // then
    assertThat(mix.parts()).isEqualTo(parts);
    int[] counts = new int[parts.size()];
    for (byte part : order) {
      counts[part]++;
    }
    for (int p = 0; p < parts.size(); p++) {
      assertThat((double) counts[p])
          .as(parts.get(p).name())
          .isCloseTo(parts.get(p).share() * Mix.CYCLE, within(1.0));
    }
  }

  @Property(tries = 100)
  void shouldRejectSharesThatDoNotSumToOne(
      @ForAll("mixes") List<Mix.Part> parts, @ForAll("offsets") double offset) {
    String spec =
        parts.stream()
            .map(
                p ->
                    String.format(
                        Locale.ROOT,
                        "%s:%s",
                        p.name(),
                        p == parts.get(0) ? p.share() + offset : p.share()))
            .collect(Collectors.joining(","));

    assertThatThrownBy(() -> Mix.parse(spec)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldOrderTheSameSeedTheSameWayAndAnotherSeedOtherwise() {
    Mix mix = Mix.parse("test:0.5,noise:0.25,blank:0.25");

    assertThat(mix.assign(Mix.CYCLE, 7)).isEqualTo(mix.assign(Mix.CYCLE, 7));
    assertThat(mix.assign(Mix.CYCLE, 7)).isNotEqualTo(mix.assign(Mix.CYCLE, 8));
  }

  /** One to all seven sources in random order, shares of at least 1/1,000 summing to 1. */
  @Provide
  Arbitrary<List<Mix.Part>> mixes() {
    return Combinators.combine(
            Arbitraries.shuffle(Mix.names()),
            Arbitraries.integers().between(1, Mix.names().size()),
            Arbitraries.integers().between(1, 1000).list().ofSize(Mix.names().size()))
        .as(
            (names, k, weights) -> {
              List<Mix.Part> parts = new ArrayList<>();
              int total = weights.subList(0, k).stream().mapToInt(Integer::intValue).sum() + k;
              int left = 1000;
              for (int i = 0; i < k; i++) {
                int thousandths =
                    i == k - 1 ? left : Math.max(1, (weights.get(i) + 1) * 1000 / total);
                thousandths = Math.min(thousandths, left - (k - 1 - i));
                left -= thousandths;
                parts.add(new Mix.Part(names.get(i), thousandths / 1000.0));
              }
              return Collections.unmodifiableList(parts);
            });
  }

  @Provide
  Arbitrary<Double> offsets() {
    return Arbitraries.oneOf(
        Arbitraries.doubles().between(0.0001, 0.5).ofScale(6),
        Arbitraries.doubles().between(-0.5, -0.0001).ofScale(6));
  }
}
