package org.vrrpagent.agent.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * tcpdump in a lab host that only listens: every VRRP advertisement on the link with the kernel's
 * receive timestamp ({@code -tt}, microseconds, the wall clock that {@link Instant#now()} also
 * reads). The host sends nothing, so what it sees is what any router on the link sees, a bridge hop
 * after the sender.
 */
final class WireCapture implements AutoCloseable {
  /** Time limit for tcpdump to say it is listening. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

  /** At most this many lines are parsed (a 10-minute run at 100 ms is 6000). */
  static final int MAX_LINES = 2_000_000;

  /** One advertisement as tcpdump printed it. */
  record Advert(Instant time, String source, int version, int vrid, int priority) {}

  // 1763782345.123456 IP 198.18.0.12 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 200, intvl
  // 100cs, length 12
  private static final Pattern ADVERT =
      Pattern.compile(
          "^(\\d+)\\.(\\d{6}) IP6? (\\S+) > (\\S+): VRRPv(\\d), Advertisement, vrid (\\d+), prio (\\d+)");

  private final NetnsLab lab;
  private final NetnsLab.LabProcess tcpdump;

  private WireCapture(NetnsLab lab, NetnsLab.LabProcess tcpdump) {
    this.lab = lab;
    this.tcpdump = tcpdump;
  }

  /** Starts tcpdump on {@code host}'s eth0 and waits until it listens. */
  static WireCapture start(NetnsLab lab, int host) {
    NetnsLab.LabProcess p =
        lab.start(
            host,
            "tcpdump",
            "-i",
            "eth0",
            "-n",
            "-l",
            "-tt",
            "-s",
            "128",
            "-p",
            "ip proto 112 or ip6 proto 112");
    Awaitility.await("tcpdump listening in " + lab.namespace(host))
        .atMost(READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> p.output().contains("listening on"));
    return new WireCapture(lab, p);
  }

  /** Every advertisement captured so far, in capture order. */
  List<Advert> adverts() {
    List<Advert> out = new ArrayList<>();
    try (var lines = Files.lines(tcpdump.log(), StandardCharsets.UTF_8)) {
      lines.limit(MAX_LINES).forEach(line -> parse(line).ifPresent(out::add));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The advertisement on one line of {@code tcpdump -n -tt} output, if it is one. */
  static Optional<Advert> parse(String line) {
    Matcher m = ADVERT.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new Advert(
            Instant.ofEpochSecond(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) * 1000),
            m.group(3),
            Integer.parseInt(m.group(5)),
            Integer.parseInt(m.group(6)),
            Integer.parseInt(m.group(7))));
  }

  /** Adverts from {@code source} captured in [from, to). */
  List<Advert> from(String source, Instant from, Instant to) {
    return adverts().stream()
        .filter(a -> a.source().equals(source) && !a.time().isBefore(from) && a.time().isBefore(to))
        .toList();
  }

  /** What tcpdump printed apart from the packets (drop counts at exit, errors). */
  String remarks() {
    return tcpdump
        .output()
        .lines()
        .filter(l -> !ADVERT.matcher(l).find())
        .reduce("", (a, b) -> a + b + "\n");
  }

  @Override
  public void close() {
    tcpdump.process().destroy();
    try {
      tcpdump.process().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (tcpdump.process().isAlive()) {
      lab.kill(tcpdump);
    }
  }
}
