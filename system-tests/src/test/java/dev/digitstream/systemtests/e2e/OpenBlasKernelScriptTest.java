package dev.digitstream.systemtests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/with-openblas-kernel}: names OpenBLAS's kernel for this CPU, then runs the command.
 */
class OpenBlasKernelScriptTest {

  private static final Path SCRIPT = MonitoringFiles.root().resolve("bin/with-openblas-kernel");

  @Test
  void shouldNameTheKernelThisCpuSupports() throws Exception {
    List<String> flags =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(line -> line.startsWith("flags"))
            .findFirst()
            .map(line -> Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")))
            .orElse(List.of());
    String expected =
        flags.containsAll(List.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))
            ? "SKYLAKEX"
            : flags.containsAll(List.of("avx2", "fma")) ? "HASWELL" : "unset";

    assertThat(run(Map.of(), "echo ${OPENBLAS_CORETYPE:-unset}")).isEqualTo(expected);
  }

  @Test
  void shouldKeepAKernelTheUserNamedAndPassTheExitStatusOn() throws Exception {
    assertThat(run(Map.of("OPENBLAS_CORETYPE", "ZEN"), "echo $OPENBLAS_CORETYPE")).isEqualTo("ZEN");
    Process failing = new ProcessBuilder(SCRIPT.toString(), "sh", "-c", "exit 7").start();
    assertThat(failing.waitFor()).isEqualTo(7);
  }

  private static String run(Map<String, String> env, String shell)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), "sh", "-c", shell);
    builder.environment().remove("OPENBLAS_CORETYPE");
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isZero();
    return out.trim();
  }
}
