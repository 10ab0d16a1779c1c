package dev.digitstream.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.testsupport.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerCliTest {

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = ProducerCli.run(args, Map.of(), () -> false);
      return new Result(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void nonsenseOptionsGiveOneLineAndExitTwo() {
    for (String[] args :
        new String[][] {
          {"--rate", "-5"},
          {"--count", "0"},
          {"--malformed-fraction", "2"},
          {"--duration", "soon"},
          {"--images", "a.idx"},
          {"--min-accuracy", "0.9"},
          {"--partitioning", "random"},
          {"--mix", "test:0.9,letters:0.05"},
          {"--mix", "digits:1"},
          {"--mix", "test"},
          {"--mix", "test:1", "--dataset", "train"},
          {"--mix", "test:1", "--image-dir", "x"},
          {"--seed", "3"},
          {"--find-max-rate", "--rate", "500"},
          {"--find-max-rate", "--count", "1000"},
          {"--find-max-rate", "--duration", "1m"},
          {"--find-max-rate", "--loop"},
          {"--find-max-rate", "--min-accuracy", "0.9"},
          {"--find-max-rate", "--p99-objective", "0ms"},
          {"--find-max-rate", "--p99-objective", "soon"},
          {"--find-max-rate", "--step-duration", "0s"},
          {"--find-max-rate", "--min-rate", "0"},
          {"--find-max-rate", "--min-rate", "500", "--max-rate", "400"},
          {"--find-max-rate", "--search-precision", "0"},
          {"--find-max-rate", "--max-trials", "0"},
          {"--p99-objective", "200ms"},
          {"--max-rate", "5000"},
          {"--no-such-option"}
        }) {
      Result result = run(args);
      assertThat(result.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(result.err().strip().lines()).as(String.join(" ", args)).hasSize(1);
      assertThat(result.err()).startsWith("producer: ");
    }
  }

  @Test
  void aBadMixNamesItsCause() {
    Result result = run("--mix", "test:0.9,letters:0.05");
    assertThat(result.err().strip())
        .isEqualTo(
            "producer: Invalid value for option '--mix': shares must sum to 1, they sum to"
                + " 0.950000 (see 'producer --help')");
    assertThat(run("--mix", "test:1", "--dataset", "test").err())
        .contains("--mix replaces --dataset, --images and --image-dir; give one");
  }

  @Test
  void findMaxRateSaysWhatDoesNotGoWithIt() {
    assertThat(run("--find-max-rate", "--rate", "500").err().strip())
        .isEqualTo(
            "producer: --find-max-rate sets the rate and sends --step-duration per trial; --rate"
                + " does not go with it (see 'producer --help')");
    assertThat(run("--min-rate", "50").err()).contains("--min-rate needs --find-max-rate");
    assertThat(run("--find-max-rate", "--min-rate", "500", "--max-rate", "400").err())
        .contains("--min-rate and --max-rate must satisfy 1 <= min <= max, got 500 and 400");
  }

  @Test
  void helpDescribesTheRateSearch() {
    Result result = run("--help");
    assertThat(result.code()).isZero();
    assertThat(result.out())
        .contains("--find-max-rate")
        .contains("--p99-objective")
        .contains("--step-duration")
        .contains("--min-rate")
        .contains("--max-rate")
        .contains("--search-precision")
        .contains("--max-trials");
  }

  @Test
  void aMissingImageFolderIsOneLineAndExitOne(@TempDir Path dir) {
    Result result = run("--image-dir", dir.resolve("missing").toString());
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err().strip())
        .isEqualTo(
            "producer: image folder "
                + dir.resolve("missing")
                + " does not exist or is not a folder");
  }

  @Test
  void anUnreachableBrokerFailsWithinTheTimeout(@TempDir Path dir) throws Exception {
    int port = FreePorts.next();
    long start = System.nanoTime();
    Result result =
        run(
            "--bootstrap-servers",
            "127.0.0.1:" + port,
            "--timeout",
            "2s",
            "--images",
            idx(dir, "images", 2051, 28, 28),
            "--labels",
            idx(dir, "labels", 2049));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err().strip())
        .isEqualTo("producer: cannot reach Kafka at 127.0.0.1:" + port + " within 2 s");
    assertThat(seconds).isLessThan(10);
  }

  /** A tiny valid IDX file of one image or one label. */
  private static String idx(Path dir, String name, int magic, int... dims) throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    var data = new java.io.DataOutputStream(bytes);
    data.writeInt(magic);
    data.writeInt(1);
    for (int d : dims) {
      data.writeInt(d);
    }
    data.write(new byte[magic == 2051 ? 784 : 1]);
    Path file = dir.resolve(name);
    java.nio.file.Files.write(file, bytes.toByteArray());
    return file.toString();
  }
}
