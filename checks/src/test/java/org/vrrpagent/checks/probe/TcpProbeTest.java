package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.TcpProbeSpec;

/**
 * The tcp probe against real loopback servers: an SMTP-like banner, an echo, a flood, a silent one.
 */
class TcpProbeTest {
  @RegisterExtension static final ProbeRuns probes = new ProbeRuns();

  /**
   * A server on 127.0.0.1 that hands each connection to {@code conversation} on a virtual thread.
   */
  static final class Server implements AutoCloseable {
    final ServerSocket socket;

    Server(Consumer<Socket> conversation) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual()
          .start(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket s = socket.accept();
                    Thread.ofVirtual()
                        .start(
                            () -> {
                              try (s) {
                                conversation.accept(s);
                              } catch (IOException ignored) {
                                // client went away
                              }
                            });
                  } catch (IOException closed) {
                    return;
                  }
                }
              });
    }

    String address() {
      return "127.0.0.1:" + socket.getLocalPort();
    }

    TcpProbeSpec spec(String send, String expect, Integer within) {
      return new TcpProbeSpec("127.0.0.1", socket.getLocalPort(), send, expect, within);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static ProbeResult run(TcpProbeSpec spec, Duration timeout) throws Exception {
    return probes.run(spec, timeout);
  }

  static void write(Socket s, String text) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void hold(Socket s) {
    try {
      s.getInputStream().read(new byte[1]); // until the client closes
    } catch (IOException ignored) {
      // closed
    }
  }

  @Test
  void hostNameIsResolved() throws Exception {
    try (Server server = new Server(TcpProbeTest::hold)) {
      ProbeResult r =
          run(TcpProbeSpec.of("localhost", server.socket.getLocalPort()), Duration.ofSeconds(2));
      assertThat(r.reason())
          .isEqualTo("TCP localhost:" + server.socket.getLocalPort() + ": connected");
    }
  }

  @Test
  void connectOnly() throws Exception {
    try (Server server = new Server(TcpProbeTest::hold)) {
      assertThat(run(server.spec(null, null, null), Duration.ofSeconds(1)).reason())
          .isEqualTo("TCP " + server.address() + ": connected");
    }
  }

  @Test
  void bannerMatchesTheExpectedRegex() throws Exception {
    try (Server server =
        new Server(
            s -> {
              write(s, "220-mail.example.org ESMTP\r\n220 ready\r\n");
              hold(s);
            })) {
      ProbeResult r = run(server.spec(null, "^220 ", null), Duration.ofSeconds(1));
      assertThat(r.reason()).isEqualTo("TCP " + server.address() + ": got \"220 ready\"");
    }
  }

  @Test
  void sendThenExpect() throws Exception {
    try (Server server =
        new Server(
            s -> {
              try {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[64];
                int n = in.read(buf);
                write(
                    s,
                    "20 text/gemini\r\nhello "
                        + new String(buf, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1));
                hold(s);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })) {
      ProbeResult r =
          run(
              server.spec("gemini://example.org/\\r\\n", "^20 .*\\r\\nhello gemini://", null),
              Duration.ofSeconds(1));
      assertThat(r.isUp()).as(r.reason()).isTrue();
    }
  }

  @Test
  void floodWithoutMatchStopsAtMaxBytes() throws Exception {
    try (Server server =
        new Server(
            s -> {
              for (int i = 0; i < 10_000 && !s.isClosed(); i++) {
                try {
                  write(s, "x".repeat(1000));
                } catch (java.io.UncheckedIOException closed) {
                  return;
                }
              }
            })) {
      ProbeResult r = run(server.spec(null, "^220 ", 2048), Duration.ofSeconds(2));
      assertThat(r.reason())
          .startsWith(
              "TCP "
                  + server.address()
                  + ": no match for ^220  in the first 2048 bytes (got: \"xxx");
    }
  }

  @Test
  void silentServerTimesOut() throws Exception {
    try (Server server = new Server(TcpProbeTest::hold)) {
      ProbeResult r = run(server.spec(null, "^220 ", null), Duration.ofMillis(300));
      assertThat(r.reason())
          .isEqualTo(
              "TCP " + server.address() + ": timed out after 300ms waiting for ^220  (got: \"\")");
    }
  }

  @Test
  void closedWithoutMatchAndRefused() throws Exception {
    try (Server server = new Server(s -> write(s, "554 go away\r\n"))) {
      ProbeResult r = run(server.spec(null, "^220 ", null), Duration.ofSeconds(1));
      assertThat(r.reason())
          .isEqualTo(
              "TCP "
                  + server.address()
                  + ": closed after 13 bytes without a match for ^220  (got: \"554 go away\\r\\n\")");
    }
    int closed = UnboundServer.freePort("127.0.0.1");
    assertThat(run(TcpProbeSpec.of("127.0.0.1", closed), Duration.ofSeconds(1)).reason())
        .isEqualTo("TCP 127.0.0.1:" + closed + ": connection refused");
  }
}
