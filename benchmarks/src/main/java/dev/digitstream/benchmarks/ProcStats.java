package dev.digitstream.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
