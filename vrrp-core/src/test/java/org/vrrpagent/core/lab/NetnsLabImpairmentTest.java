package org.vrrpagent.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * {@link NetnsLab#impair}: a UDP stream from h1 to h2 (sequence number and send time in each
 * datagram, one JVM so one clock) measures the loss, duplication, delay and reordering each
 * impairment must cause, against the same stream unimpaired. Bounds are loose (the machine is
 * loaded) but each one fails if the impairment silently does nothing.
 */
class NetnsLabImpairmentTest {
  private static final int PORT = 40_000;
  private static final CommandRunner RUNNER = new CommandRunner();
  private static NetnsLab lab;
  private static String rootRulesetBefore;

  /** What h2 received of a stream of {@code sent} datagrams. */
  record Stream(int sent, int distinct, int total, int reordered, double medianMillis) {
    double lossRatio() {
      return 1.0 - distinct / (double) sent;
    }

    double duplicateRatio() {
      return (total - distinct) / (double) distinct;
    }
  }

  @BeforeAll
  static void buildLab() {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    rootRulesetBefore = rootRuleset();
    lab = NetnsLab.create(2);
  }

  @AfterEach
  void clear() {
    if (lab != null) {
      lab.clearImpairment(1);
    }
  }

  @AfterAll
  static void closeLabAndCheckTheRootNamespace() {
    if (lab == null) {
      return;
    }
    lab.impair(1, Impairment.loss(10).delay(Duration.ofMillis(50), Duration.ZERO));
    lab.close(); // with an impairment in place: close removes it
    assertThat(Thread.getAllStackTraces().keySet())
        .as("no delay relay thread outlives the lab")
        .noneMatch(t -> t.getName().startsWith(lab.prefix()) && t.getName().endsWith("-delay"));
    assertThat(rootRuleset())
        .as("the machine's own (root namespace) ruleset is untouched")
        .isEqualTo(rootRulesetBefore);
  }

  private static String rootRuleset() {
    CommandRunner.Result r = RUNNER.run(List.of("nft", "list", "ruleset"));
    assertThat(r.succeeded()).as(r.describeFailure()).isTrue();
    return r.stdout();
  }

  @Test
  void anUnimpairedStreamArrivesWholeOnceAndPromptly() {
    Stream s = stream(lab.ipv4(2), 1000);
    assertThat(s.lossRatio()).isLessThan(0.03);
    assertThat(s.total()).isEqualTo(s.distinct());
    assertThat(s.medianMillis()).isLessThan(40);
  }

  @Test
  void lossDropsAboutThatShare() {
    lab.impair(1, Impairment.loss(25));
    assertThat(lab.execChecked(1, "nft", "list", "ruleset"))
        .contains("numgen random mod 100 < 25 counter packets 0 bytes 0 drop");
    Stream s = stream(lab.ipv4(2), 2000);
    assertThat(s.lossRatio()).isBetween(0.15, 0.35);
    assertThat(s.total()).isEqualTo(s.distinct());
    // The rule's counter saw each lost datagram (and perhaps an ARP frame or two).
    assertThat(lab.impairmentStats(1).dropped()).isBetween(s.sent() - s.distinct() + 0L, 2000L);
  }

  @Test
  void duplicationSendsAboutThatShareTwice() {
    lab.impair(1, Impairment.duplication(30));
    Stream s = stream(lab.ipv4(2), 2000);
    assertThat(s.lossRatio()).isLessThan(0.03);
    assertThat(s.duplicateRatio()).isBetween(0.20, 0.40);
    assertThat(lab.impairmentStats(1).duplicated())
        .isGreaterThanOrEqualTo(s.total() - s.distinct());
  }

  @Test
  void delayWithJitterDelaysAndReordersBothFamiliesAndClearingRestoresTheLink() {
    lab.impair(1, Impairment.delayed(Duration.ofMillis(150), Duration.ofMillis(50)));
    Stream v4 = stream(lab.ipv4(2), 1000);
    Stream v6 = stream(lab.ipv6(2), 500);
    NetnsLab.DelayStats stats = lab.delayStats(1).orElseThrow();
    assertThat(lab.impairmentStats(1).delayed()).isEqualTo(stats.queued());
    for (Stream s : List.of(v4, v6)) {
      assertThat(s.lossRatio()).as("the relay loses nothing").isLessThan(0.03);
      assertThat(s.medianMillis()).isBetween(120.0, 600.0);
      assertThat(s.reordered()).as("jitter 50 ms on datagrams 2 ms apart reorders").isPositive();
    }
    assertThat(stats.queued()).isGreaterThanOrEqualTo(1450);
    assertThat(stats.errors()).as(stats.lastError()).isZero();

    lab.clearImpairment(1);
    assertThat(lab.delayStats(1)).isEmpty();
    assertThat(lab.execChecked(1, "nft", "list", "ruleset"))
        .doesNotContain("queue")
        .doesNotContain(NetnsLab.IMPAIR_TABLE);
    Stream after = stream(lab.ipv4(2), 500);
    assertThat(after.lossRatio()).isLessThan(0.03);
    assertThat(after.medianMillis()).isLessThan(40);
  }

  @Test
  void allThreeTogether() {
    lab.impair(
        1, Impairment.loss(20).duplicate(20).delay(Duration.ofMillis(100), Duration.ofMillis(30)));
    assertThat(lab.impairment(1).toString()).isEqualTo("loss 20% duplicate 20% delay 100ms 30ms");
    Stream s = stream(lab.ipv4(2), 2000);
    assertThat(s.lossRatio()).isBetween(0.10, 0.30);
    assertThat(s.duplicateRatio()).isBetween(0.10, 0.30);
    assertThat(s.medianMillis()).isBetween(70.0, 600.0);
    assertThat(s.reordered()).isPositive();
  }

  /**
   * Sends {@code count} datagrams (2 ms apart) from h1 to {@code to} on h2 and collects what
   * arrives until the stream has been quiet for 1.5 s.
   */
  private Stream stream(InetAddress to, int count) {
    InetAddress any = InetAddress.ofLiteral(to instanceof java.net.Inet6Address ? "::" : "0.0.0.0");
    DatagramSocket rx =
        lab.inNamespace(
            2,
            () -> {
              DatagramSocket s = new DatagramSocket(new InetSocketAddress(any, PORT));
              s.setReceiveBufferSize(1 << 20);
              s.setSoTimeout(1500);
              return s;
            });
    DatagramSocket tx = lab.inNamespace(1, () -> new DatagramSocket(0, any));
    try (rx;
        tx) {
      List<long[]> got = new ArrayList<>();
      Thread receiver =
          Thread.ofPlatform()
              .start(
                  () -> {
                    byte[] buf = new byte[64];
                    while (true) {
                      DatagramPacket p = new DatagramPacket(buf, buf.length);
                      try {
                        rx.receive(p);
                      } catch (SocketTimeoutException e) {
                        if (got.size() > 0 || tx.isClosed()) {
                          return;
                        }
                        continue;
                      } catch (IOException e) {
                        return;
                      }
                      ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
                      synchronized (got) {
                        got.add(new long[] {b.getInt(), System.nanoTime() - b.getLong()});
                      }
                    }
                  });
      ByteBuffer b = ByteBuffer.allocate(12);
      for (int i = 0; i < count; i++) {
        b.clear();
        b.putInt(i).putLong(System.nanoTime());
        tx.send(new DatagramPacket(b.array(), 12, new InetSocketAddress(to, PORT)));
        LockSupport.parkNanos(2_000_000);
      }
      receiver.join(Duration.ofSeconds(60));
      assertThat(receiver.isAlive()).as("the receiver ends once the stream is quiet").isFalse();
      Map<Integer, Integer> seen = new HashMap<>();
      int reordered = 0;
      int highest = -1;
      List<Long> delays = new ArrayList<>();
      synchronized (got) {
        for (long[] g : got) {
          int seq = (int) g[0];
          if (seen.merge(seq, 1, Integer::sum) == 1) {
            delays.add(g[1]);
            if (seq < highest) {
              reordered++;
            }
            highest = Math.max(highest, seq);
          }
        }
      }
      delays.sort(null);
      double median = delays.isEmpty() ? -1 : delays.get(delays.size() / 2) / 1e6;
      Stream s = new Stream(count, seen.size(), got.size(), reordered, median);
      System.out.println(lab.impairment(1) + " to " + to.getHostAddress() + ": " + s);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
