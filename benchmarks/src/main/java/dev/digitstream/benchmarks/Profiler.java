package dev.digitstream.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * async-profiler attached to the stream-app for a measured stretch only, when {@code
 * -Dbenchmark.profiler=<path to libasyncProfiler.so>} names its library (async-profiler's release
 * archive, or the {@code tools.profiler:async-profiler} jar from Maven Central, unzipped). Loaded
 * through {@code jcmd JVMTI.agent_load}, so warm-up and start-up stay out of the profile; the flame
 * graph goes to {@code target/benchmarks/profile-<name>.html}, the same stacks as text (one line
 * per stack, for grep and scripts) to {@code profile-<name>.collapsed}. Without the property,
 * nothing.
 */
final class Profiler {

  private static final String LIBRARY = System.getProperty("benchmark.profiler", "");
  private static final String EVENT = System.getProperty("benchmark.profiler.event", "itimer");

  private final long pid;

  private Profiler(long pid) {
    this.pid = pid;
  }

  static Profiler attach(long pid) throws IOException, InterruptedException {
    Profiler profiler = new Profiler(pid);
    // by default CPU time of every thread, Java and native frames alike (itimer needs no
    // perf_events access); "wall" samples threads whether they run or wait
    profiler.command("start,event=" + EVENT + ",interval=1ms,threads");
    return profiler;
  }

  void stop(String name) throws IOException, InterruptedException {
    Path out = Files.createDirectories(Path.of("target", "benchmarks"));
    Path file = out.resolve("profile-" + name).toAbsolutePath();
    command("dump,file=" + file + ".html");
    command("stop,file=" + file + ".collapsed");
  }

  private void command(String command) throws IOException, InterruptedException {
    if (LIBRARY.isEmpty()) {
      return;
    }
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p =
        new ProcessBuilder(
                jcmd,
                Long.toString(pid),
                "JVMTI.agent_load",
                LIBRARY,
                // quoted, or jcmd parses the profiler's key=value options as its own
                '"' + command + '"')
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    Bench.check(
        p.waitFor() == 0 && !output.contains("[ERROR]"),
        "async-profiler %s: %s",
        command,
        output.strip());
  }
}
