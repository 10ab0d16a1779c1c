package dev.digitstream.trainer.cli;

import java.io.PrintStream;

/** The one place CLI output goes through: results to stdout, problems to stderr. */
public final class Console {

  private final PrintStream out;
  private final PrintStream err;

  public Console(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static Console system() {
    return new Console(System.out, System.err);
  }

  /** Whether a person is watching (a terminal), so live progress makes sense. */
  public boolean interactive() {
    return System.console() != null;
  }

  public void println(String line) {
    out.println(line);
    out.flush();
  }

  public void printf(String format, Object... args) {
    out.printf(java.util.Locale.ROOT, format, args);
    out.flush();
  }

  public void error(String line) {
    err.println(line);
    err.flush();
  }

  PrintStream err() {
    return err;
  }
}
