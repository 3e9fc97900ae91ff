package org.vrrpagent.checks.probe;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real unbound on a random 127.0.0.x address and free port, with a generated configuration:
 *
 * <ul>
 *   <li>{@code a.test.} A 198.18.0.1, {@code txt.test.} TXT "hello world", {@code big.test.} 40 TXT
 *       records (≈ 4 KB, truncated over UDP), {@code nope.test.} NXDOMAIN (static zone);
 *   <li>every other name SERVFAILs: the root is a stub zone pointing at a loopback address unbound
 *       refuses to query (do-not-query-localhost), and outgoing queries are bound to loopback, so
 *       nothing leaves the machine.
 * </ul>
 *
 * Stopped by PID in {@link #close()}.
 */
final class UnboundServer implements AutoCloseable {
  static final int BIG_RECORDS = 40;

  final InetSocketAddress address;
  private final Path dir;
  private Process process;

  UnboundServer() throws IOException {
    this.dir = Files.createTempDirectory("unbound-test");
    String ip =
        "127.0."
            + ThreadLocalRandom.current().nextInt(1, 255)
            + "."
            + ThreadLocalRandom.current().nextInt(2, 254);
    this.address = new InetSocketAddress(InetAddress.getByName(ip), freePort(ip));
    StringBuilder conf = new StringBuilder();
    conf.append(
        """
                server:
                  interface: %s
                  port: %d
                  outgoing-interface: %s
                  do-daemonize: no
                  username: ""
                  chroot: ""
                  directory: "%s"
                  pidfile: ""
                  use-syslog: no
                  logfile: ""
                  verbosity: 0
                  num-threads: 1
                  so-reuseport: no
                  do-ip6: no
                  access-control: 127.0.0.0/8 allow
                  module-config: "iterator"
                  do-not-query-localhost: yes
                  local-zone: "test." static
                  local-data: "a.test. 60 IN A 198.18.0.1"
                  local-data: 'txt.test. 60 IN TXT "hello world"'
                """
            .formatted(ip, address.getPort(), ip, dir));
    for (int i = 0; i < BIG_RECORDS; i++) {
      conf.append(
          "  local-data: 'big.test. 60 IN TXT \"record-%02d-%s\"'\n".formatted(i, "x".repeat(90)));
    }
    conf.append(
        """
                stub-zone:
                  name: "."
                  stub-addr: 127.0.0.1@9
                """);
    Path file = dir.resolve("unbound.conf");
    Files.writeString(file, conf);
    start();
  }

  void start() throws IOException {
    process =
        new ProcessBuilder("unbound", "-d", "-c", dir.resolve("unbound.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("unbound.log").toFile())
            .start();
    try {
      Awaitility.await("unbound answering on " + address)
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(this::answers);
    } catch (RuntimeException e) {
      String log =
          Files.exists(dir.resolve("unbound.log"))
              ? Files.readString(dir.resolve("unbound.log"))
              : "";
      close();
      throw new IllegalStateException("unbound did not start: " + log, e);
    }
  }

  private boolean answers() {
    if (!process.isAlive()) {
      throw new IllegalStateException("unbound exited with " + process.exitValue());
    }
    try {
      SimpleResolver r = new SimpleResolver(address);
      r.setTimeout(Duration.ofMillis(200));
      Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("a.test."), Type.A, 1)));
      return m.getRcode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** The server as a probe's {@code server:} value. */
  String server() {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  long pid() {
    return process.pid();
  }

  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(files.toList());
      java.util.Collections.reverse(all);
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // temp files; the OS cleans up
    }
  }

  static int freePort(String ip) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
        int port = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(ip, port))) {
          return port;
        } catch (IOException busy) {
          // UDP side taken: try another
        }
      }
    }
    throw new IOException("no free port on " + ip);
  }
}
