package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.InetAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.wire.AddressFamily;

/**
 * A packet's time is when the kernel received it, not when the receive thread got to it: host 2's
 * receive thread is held for 300 ms inside its first packet while host 1 sends a second; the second
 * one's time must be that of its sending, not of the thread's return. IPv4 and IPv6.
 */
class ReceiveStampLabTest {
  private static final long HOLD_MILLIS = 300;

  @Test
  void ipv4PacketsCarryTheKernelsReceiveTime() throws Exception {
    check(AddressFamily.IPV4, InetAddress.ofLiteral("224.0.0.18"));
  }

  @Test
  void ipv6PacketsCarryTheKernelsReceiveTime() throws Exception {
    check(AddressFamily.IPV6, InetAddress.ofLiteral("ff02::12"));
  }

  private static void check(AddressFamily family, InetAddress group) throws Exception {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    try (NetnsLab lab = NetnsLab.create(2)) {
      BlockingQueue<InboundPacket> got = new LinkedBlockingQueue<>();
      CountDownLatch release = new CountDownLatch(1);
      try (RawSocketTransport receiver =
              lab.inNamespace(
                  2,
                  () ->
                      RawSocketTransport.open(
                          RawSocketTransport.Options.multicast("eth0", family),
                          p -> {
                            got.add(p);
                            if (got.size() == 1) {
                              try {
                                // Bounded: the test releases it, or it goes on by itself.
                                release.await(HOLD_MILLIS * 10, TimeUnit.MILLISECONDS);
                              } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                              }
                            }
                          }));
          RawSocketTransport sender =
              lab.inNamespace(
                  1,
                  () ->
                      RawSocketTransport.open(
                          RawSocketTransport.Options.multicast("eth0", family), p -> {}))) {
        sender.send(new byte[16], group);
        InboundPacket first = got.poll(5, TimeUnit.SECONDS);
        assertThat(first).as("the first packet").isNotNull();
        // The receive thread now sits in the consumer; the second packet waits in the socket.
        long sent = System.nanoTime();
        sender.send(new byte[16], group);
        Thread.sleep(HOLD_MILLIS); // the delay under test, not an assertion
        long released = System.nanoTime();
        release.countDown();
        InboundPacket second = got.poll(5, TimeUnit.SECONDS);
        assertThat(second).as("the second packet").isNotNull();
        assertThat(second.receivedNanos())
            .as("stamped when the kernel had it (sent at %d, thread free at %d)", sent, released)
            .isBetween(sent - 5_000_000, sent + 50_000_000)
            .isLessThan(released);
      }
    }
  }
}
