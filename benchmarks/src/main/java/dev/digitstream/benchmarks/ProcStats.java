package dev.digitstream.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A process's and the machine's CPU use and a process's peak memory, from Linux's /proc. */
final class ProcStats {

  private ProcStats() {}

  /** CPU seconds of one process and of the whole machine, and wall seconds. */
  record CpuTimes(double processSeconds, double machineSeconds, double wallSeconds) {
    /** Linux's USER_HZ, the unit of /proc's CPU times, is 100 on every mainstream kernel. */
    private static final double TICKS_PER_SECOND = 100;

    static CpuTimes of(long pid) throws IOException {
      String[] stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"))
              .replaceFirst("^.*\\) ", "")
              .split(" ");
      // Fields 14 and 15 (utime, stime) are 12 and 13 after the command name is cut off.
      double processTicks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      double busyTicks = 0;
      for (int i = 1; i < cpu.length && i <= 8; i++) {
        if (i != 4 && i != 5) { // idle and iowait
          busyTicks += Long.parseLong(cpu[i]);
        }
      }
      return new CpuTimes(
          processTicks / TICKS_PER_SECOND, busyTicks / TICKS_PER_SECOND, System.nanoTime() / 1e9);
    }

    CpuTimes minus(CpuTimes earlier) {
      return new CpuTimes(
          processSeconds - earlier.processSeconds,
          machineSeconds - earlier.machineSeconds,
          wallSeconds - earlier.wallSeconds);
    }
  }

  /**
   * CPU seconds of each kind of thread in a process: its threads' names (Linux keeps the first 15
   * characters) with digits dropped, so that "GC Thread#0" and "GC Thread#1" count together.
   * Threads that ended are not counted.
   */
  static Map<String, Double> threadSeconds(long pid) throws IOException {
    Map<String, Double> seconds = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (NoSuchFileException ended) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        seconds.merge(
            name.replaceAll("[0-9]+", "#"), ticks / CpuTimes.TICKS_PER_SECOND, Double::sum);
      }
    }
    return seconds;
  }

  /**
   * The CPU seconds each kind of thread used between two {@link #threadSeconds} readings, times
   * {@code scale}, largest first, those under 1 left out: "stream-thread 139, GC Thread# 2".
   */
  static String byThread(Map<String, Double> before, Map<String, Double> after, double scale) {
    return after.entrySet().stream()
        .map(
            t ->
                Map.entry(
                    t.getKey(), (t.getValue() - before.getOrDefault(t.getKey(), 0.0)) * scale))
        .filter(t -> t.getValue() >= 1)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .map(t -> String.format(Locale.ROOT, "%s %.0f", t.getKey(), t.getValue()))
        .collect(Collectors.joining(", "));
  }

  /** The process's peak resident set (VmHWM) in KiB, or -1 when /proc does not say. */
  static long peakRssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
