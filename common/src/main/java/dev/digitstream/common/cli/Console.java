package dev.digitstream.common.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The one printer of command-line output: results (reports, summaries) to stdout; problems,
 * warnings and progress to stderr, so that stdout can be piped. Library code prints nothing; it
 * returns what a command then prints here.
 */
public final class Console {

  private final PrintStream out;
  private final PrintStream err;

  public Console(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** The process's stdout and stderr as they are now. */
  public static Console system() {
    return new Console(System.out, System.err);
  }

  /** Whether a person is watching (a terminal), so live progress makes sense. */
  public boolean interactive() {
    return System.console() != null;
  }

  /** A result line on stdout. */
  public void println(String line) {
    out.println(line);
    out.flush();
  }

  /** Results on stdout, formatted with {@link Locale#ROOT}. */
  public void printf(String format, Object... args) {
    out.printf(Locale.ROOT, format, args);
    out.flush();
  }

  /** Results on stdout, as they are (e.g. a rendered table). */
  public void print(String text) {
    out.print(text);
    out.flush();
  }

  /** A progress or warning line on stderr. */
  public void status(String line) {
    err.println(line);
    err.flush();
  }

  /** An error line on stderr. */
  public void error(String line) {
    err.println(line);
    err.flush();
  }

  /** Stderr, for what writes to a stream itself (live progress bars, stack traces). */
  public PrintStream err() {
    return err;
  }
}
