package dev.digitstream.common.mnist;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;

/**
 * Says why a download failed in words a user can act on. The JDK's HTTP client often throws an
 * exception without a message (a refused connection is a {@code ConnectException} whose message is
 * null), the reason being in its causes.
 */
final class DownloadFailures {

  private DownloadFailures() {}

  static String describe(URI source, Throwable failure, Duration timeout) {
    // the outermost exception is often a bare ConnectException: look at the whole chain first
    if (find(failure, UnknownHostException.class) != null
        || find(failure, UnresolvedAddressException.class) != null) {
      return "unknown host " + source.getHost();
    }
    if (find(failure, HttpConnectTimeoutException.class) != null) {
      return "no connection within " + timeout.toMillis() + " ms";
    }
    if (find(failure, HttpTimeoutException.class) != null) {
      return "no answer within " + timeout.toMillis() + " ms";
    }
    Throwable connect = find(failure, ConnectException.class);
    if (connect != null) {
      return connectFailure(source, connect);
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }

  /**
   * JDK 17's client retries a refused connection once and reports the retry's failure: a {@code
   * ConnectException} without a message caused by a {@code ClosedChannelException}. A message,
   * where there is one, says more (network unreachable, ...).
   */
  private static String connectFailure(URI source, Throwable connect) {
    String address = source.getHost() + ":" + port(source);
    for (Throwable t = connect; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (t instanceof ConnectException && message != null && !message.isBlank()) {
        return message.toLowerCase(Locale.ROOT).contains("refused")
            ? "connection refused by " + address
            : "cannot connect to " + address + " (" + message + ")";
      }
    }
    return "connection refused by " + address;
  }

  private static Throwable find(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return t;
      }
    }
    return null;
  }

  private static int port(URI source) {
    if (source.getPort() != -1) {
      return source.getPort();
    }
    return "https".equalsIgnoreCase(source.getScheme()) ? 443 : 80;
  }
}
