package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.wire.AddressFamily;

/**
 * Many adverts through the transport: host 2 echoes what host 1 sends. Every one must come back, in
 * order, intact, and nothing may be dropped or looped back. Prints the round-trip distribution
 * (send → peer's receive thread → peer's send → our receive thread) for docs/benchmarks.md; no
 * assertion on time.
 */
class TransportRoundTripLabTest {
  private static final int ROUNDS = 2000;
  private static final InetAddress GROUP = InetAddress.ofLiteral("224.0.0.18");

  @Test
  void everyAdvertComesBackInOrderAndTheRoundTripIsPrinted() throws Exception {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    try (NetnsLab lab = NetnsLab.create(2)) {
      BlockingQueue<InboundPacket> back = new LinkedBlockingQueue<>();
      RawSocketTransport[] echo = new RawSocketTransport[1];
      echo[0] =
          lab.inNamespace(
              2,
              () ->
                  RawSocketTransport.open(
                      RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4),
                      p -> echo[0].send(p.vrrpMessage(), GROUP)));
      try (RawSocketTransport t1 =
          lab.inNamespace(
              1,
              () ->
                  RawSocketTransport.open(
                      RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4),
                      back::add))) {
        long[] nanos = new long[ROUNDS];
        byte[] message = new byte[16];
        for (int i = 0; i < ROUNDS; i++) {
          message[4] = (byte) (i >>> 8);
          message[5] = (byte) i;
          long start = System.nanoTime();
          t1.send(message, GROUP);
          InboundPacket p = back.poll(5, TimeUnit.SECONDS);
          assertThat(p).as("round %d came back", i).isNotNull();
          nanos[i] = p.receivedNanos() - start;
          assertThat(p.vrrpMessage()).as("round %d", i).isEqualTo(message);
          assertThat(p.source()).isEqualTo(lab.ipv4(2));
        }
        assertThat(back).as("nothing extra: no loop-back, no duplicates").isEmpty();
        assertThat(t1.drops().snapshot().values()).allMatch(n -> n == 0);
        assertThat(echo[0].drops().snapshot().values()).allMatch(n -> n == 0);
        Arrays.sort(nanos);
        System.out.printf(
            "IPv4 VRRP round trip over veth+bridge, %d rounds: p50 %d µs, p99 %d µs, max %d µs%n",
            ROUNDS,
            nanos[ROUNDS / 2] / 1000,
            nanos[ROUNDS * 99 / 100] / 1000,
            nanos[ROUNDS - 1] / 1000);
      } finally {
        echo[0].close();
      }
    }
  }
}
