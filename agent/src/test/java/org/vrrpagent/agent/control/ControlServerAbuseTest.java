package org.vrrpagent.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.ControlConfig;

/**
 * The control API against abusive clients, over real sockets (TCP from several loopback addresses,
 * and the unix socket): slow senders, connection floods, oversized bodies, unknown protocol
 * versions, and a daemon that does not answer.
 */
class ControlServerAbuseTest {
  @TempDir Path dir;

  private final FakeBackend fake = new FakeBackend();
  private final CountDownLatch statusHangs = new CountDownLatch(1);
  private volatile boolean hang;
  private final ControlBackend backend =
      new ControlBackend() {
        @Override
        public StatusSnapshot status() {
          if (hang) {
            try {
              statusHangs.await(
                  60, TimeUnit.SECONDS); // a daemon stuck (as behind a blocked file read)
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return fake.status();
        }

        @Override
        public ActionResult demote(String instance, Demotion demotion) {
          return fake.demote(instance, demotion);
        }

        @Override
        public ActionResult promote(String instance) {
          return fake.promote(instance);
        }

        @Override
        public ActionResult rotate(String instance) {
          return fake.rotate(instance);
        }

        @Override
        public ActionResult reload() {
          return fake.reload();
        }
      };
  private final List<Socket> sockets = new ArrayList<>();
  private ControlServer server;
  private InetSocketAddress tcp;
  private Path unix;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger controlLog = (Logger) LoggerFactory.getLogger("org.vrrpagent.agent.control");

  @BeforeEach
  void start() {
    logged.start();
    controlLog.addAppender(logged);
    unix = dir.resolve("control.sock");
    server = new ControlServer(backend, () -> "x 1\n", consumer -> () -> {});
    List<SocketAddress> bound =
        server.start(
            new ControlConfig(
                Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Optional.of(unix)));
    tcp = (InetSocketAddress) bound.getFirst();
  }

  @AfterEach
  void stop() throws IOException {
    statusHangs.countDown();
    for (Socket s : sockets) {
      s.close();
    }
    server.close();
    controlLog.detachAppender(logged);
  }

  /** A TCP connection from 127.0.0.{@code from}. */
  private Socket connect(int from) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) from}), 0));
    s.connect(tcp, 2000);
    s.setSoTimeout(3000);
    return s;
  }

  /** What the server sends until it closes (or 3 s of silence). */
  private static String readAll(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] all = in.readNBytes(1 << 20);
    return new String(all, StandardCharsets.UTF_8);
  }

  /** True when the server closed {@code s} without a word. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static String get(Socket s, String path) throws IOException {
    s.setSoTimeout((int) ControlServer.BACKEND_DEADLINE.plusSeconds(5).toMillis());
    s.getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    return readAll(s);
  }

  @Test
  void aClientTricklingHeaderLinesIsAnswered408AtTheRequestDeadline() throws Exception {
    Socket slow = connect(2);
    slow.setSoTimeout(200);
    OutputStream out = slow.getOutputStream();
    out.write("GET /status HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
    long start = System.nanoTime();
    StringBuilder answer = new StringBuilder();
    boolean closed = false;
    // A header line every 300 ms: never idle, never complete.
    for (int i = 0; i < 60 && !closed; i++) {
      try {
        out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
      } catch (IOException reset) {
        closed = true;
        break;
      }
      try {
        int b;
        while ((b = slow.getInputStream().read()) != -1) {
          answer.append((char) b);
        }
        closed = true;
      } catch (SocketTimeoutException nothingYet) {
        Thread.sleep(100);
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(closed).as("closed by the server").isTrue();
    assertThat(took)
        .isBetween(
            ControlServer.REQUEST_DEADLINE.minusSeconds(1),
            ControlServer.REQUEST_DEADLINE.plusSeconds(5));
    assertThat(answer.toString())
        .startsWith("HTTP/1.1 408")
        .contains("\"status\" : 408", "within 10 s");
  }

  @Test
  void tcpClientsCannotTakeTheUnixSocketsShareNorOneClientAllTheTcpSlots() throws Exception {
    // One client: at most MAX_CONNECTIONS_PER_CLIENT.
    for (int i = 0; i < ControlServer.MAX_CONNECTIONS_PER_CLIENT; i++) {
      connect(2);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.openConnections() == ControlServer.MAX_CONNECTIONS_PER_CLIENT);
    assertThat(closedByServer(connect(2))).as("one more from the same client").isTrue();
    // Many clients, 64 attempts in all: at most MAX_TCP_CONNECTIONS held.
    for (int from = 3; from < 3 + 7; from++) {
      for (int i = 0; i < ControlServer.MAX_CONNECTIONS_PER_CLIENT; i++) {
        connect(from);
      }
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.openConnections() == ControlServer.MAX_TCP_CONNECTIONS);
    assertThat(closedByServer(connect(20)))
        .as("a new TCP client once all TCP slots are held")
        .isTrue();
    // The local operator on the unix socket is still served.
    assertThat(
            ControlServerTest.rawUnixRequest(
                unix, "GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200");
    assertThat(server.refusedConnections()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void twoThousandRefusedConnectsWriteAFewLogLinesNotTwoThousand() throws Exception {
    for (int i = 0; i < ControlServer.MAX_CONNECTIONS_PER_CLIENT; i++) {
      connect(2);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.openConnections() == ControlServer.MAX_CONNECTIONS_PER_CLIENT);
    for (int i = 0; i < 2000; i++) {
      try (Socket s = new Socket()) {
        s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 0));
        s.connect(tcp, 2000);
        s.setSoTimeout(2000);
        s.getInputStream().read();
      } catch (IOException reset) {
        // refused: closed or reset
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.refusedConnections() >= 2000);
    List<String> lines =
        logged.list.stream()
            .map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains("refused"))
            .toList();
    assertThat(lines).as("log lines about refusals").hasSizeBetween(1, 3);
    assertThat(lines.getFirst()).contains("per client");
  }

  @Test
  void aBodyOverTheLimitIs413InJsonAndTheRestIsNeverRead() throws Exception {
    Socket s = connect(2);
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST /reload HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[8192]);
    String answer = readAll(s); // ends when the server closes: it does not wait for 10 MB
    assertThat(answer)
        .startsWith("HTTP/1.1 413")
        .contains(
            "application/json",
            "\"status\" : 413",
            "a body over " + ControlServer.MAX_BODY_BYTES + " bytes");
    assertThat(fake.calls).isEmpty();
  }

  @Test
  void aMalformedPercentEscapeIs400NotAnInternalError() throws Exception {
    // Found by ControlRequestFuzzTest: Netty's decoder throws on "%mo", which was answered 500.
    assertThat(get(connect(2), "/instances/dns0/promote?by=1%mot"))
        .startsWith("HTTP/1.1 400")
        .contains("malformed URL");
  }

  @Test
  void anUnknownHttpVersionIs505() throws Exception {
    Socket s = connect(2);
    s.getOutputStream()
        .write("GET /status HTTP/9.9\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(readAll(s))
        .startsWith("HTTP/1.1 505")
        .contains("\"status\" : 505", "HTTP/9.9 (expected: HTTP/1.1 or HTTP/1.0)");
  }

  @Test
  void aDaemonThatDoesNotAnswerIs503WhileTheRestOfTheApiAnswersAndCloseReturns() throws Exception {
    hang = true;
    long start = System.nanoTime();
    assertThat(get(connect(2), "/status"))
        .startsWith("HTTP/1.1 503")
        .contains("did not answer within");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(ControlServer.BACKEND_DEADLINE.plusSeconds(3));
    assertThat(get(connect(3), "/")).as("the index needs no backend").startsWith("HTTP/1.1 200");
    long closing = System.nanoTime();
    server.close();
    assertThat(Duration.ofNanos(System.nanoTime() - closing))
        .isLessThan(ControlServer.CLOSE_BUDGET.plusSeconds(1));
  }
}
