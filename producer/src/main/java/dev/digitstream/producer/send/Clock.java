package dev.digitstream.producer.send;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/** Time as the pacing logic sees it; tests substitute one they control. */
public interface Clock {

  /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Wall-clock time in microseconds since the epoch. */
  long epochMicros();

  /** Waits about {@code nanos}; may return early on interrupt. */
  void sleep(long nanos);

  /** The system clocks. */
  Clock SYSTEM =
      new Clock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long epochMicros() {
          Instant now = Instant.now();
          return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        }

        @Override
        public void sleep(long nanos) {
          LockSupport.parkNanos(nanos);
        }
      };
}
