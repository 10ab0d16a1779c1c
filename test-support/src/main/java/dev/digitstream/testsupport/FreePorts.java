package dev.digitstream.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for servers the tests start on 127.0.0.1. */
public final class FreePorts {

  private FreePorts() {}

  /**
   * A port free on the loopback address right now. Another process may take it before the caller
   * binds it; the servers here bind within milliseconds, so that race has not been seen.
   */
  public static int next() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
