package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.wire.AddressFamily;

/**
 * The kernel's refusals, as the operator reads them. Capabilities are per thread on Linux: the
 * opener thread drops CAP_NET_RAW from its effective set with capset(2) first, which is exactly
 * what a non-root agent without the capability meets.
 */
class TransportErrorsLabTest {
  private static final int CAP_NET_RAW = 13;
  private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
  private static NetnsLab lab;

  @BeforeAll
  static void buildLab() {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    lab = NetnsLab.create(1);
  }

  @AfterAll
  static void tearDownLab() {
    if (lab != null) {
      lab.close();
    }
  }

  /** Clears CAP_NET_RAW from the calling thread's effective capabilities. */
  private static void dropNetRawOnThisThread() {
    Linker linker = Linker.nativeLinker();
    FunctionDescriptor fd = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    MethodHandle capget = linker.downcallHandle(linker.defaultLookup().findOrThrow("capget"), fd);
    MethodHandle capset = linker.downcallHandle(linker.defaultLookup().findOrThrow("capset"), fd);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment header = arena.allocate(8); // { u32 version; int pid; } pid 0 = this thread
      header.set(JAVA_INT, 0, LINUX_CAPABILITY_VERSION_3);
      MemorySegment data = arena.allocate(24); // 2 × { u32 effective, permitted, inheritable }
      assertThat((int) capget.invokeExact(header, data)).isZero();
      data.set(JAVA_INT, 0, data.get(JAVA_INT, 0) & ~(1 << CAP_NET_RAW));
      assertThat((int) capset.invokeExact(header, data)).isZero();
    } catch (Throwable t) {
      throw new AssertionError("capget/capset", t);
    }
  }

  @Test
  void withoutCapNetRawTheMessageSaysWhatToDo() {
    for (AddressFamily family : AddressFamily.values()) {
      assertThatThrownBy(
              () ->
                  lab.inNamespace(
                      1,
                      () -> {
                        dropNetRawOnThisThread();
                        return RawSocketTransport.open(
                            RawSocketTransport.Options.multicast("eth0", family), p -> {});
                      }))
          .isInstanceOf(TransportException.class)
          .hasMessage(
              "eth0: cannot open raw VRRP socket: Operation not permitted"
                  + " (run as root or grant CAP_NET_RAW and CAP_NET_ADMIN)");
    }
    assertThatThrownBy(
            () ->
                lab.inNamespace(
                    1,
                    () -> {
                      dropNetRawOnThisThread();
                      return PacketSocketAnnouncer.open();
                    }))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining(
            "cannot open packet socket for gratuitous ARP/NA: Operation not permitted (run as root");
  }

  @Test
  void aDownInterfaceWithoutAddressesHasNoSourceToSendFrom() {
    lab.execChecked(1, "ip", "link", "add", "dummy0", "type", "veth", "peer", "name", "dummy1");
    try {
      assertThatThrownBy(
              () ->
                  lab.inNamespace(
                      1,
                      () ->
                          RawSocketTransport.open(
                              RawSocketTransport.Options.multicast("dummy0", AddressFamily.IPV6),
                              p -> {})))
          .isInstanceOf(TransportException.class)
          .hasMessage(
              "dummy0: no IPv6 link-local address to send VRRP from (is IPv6 enabled on the interface, and is it up?)");
      assertThatThrownBy(
              () ->
                  lab.inNamespace(
                      1,
                      () ->
                          RawSocketTransport.open(
                              RawSocketTransport.Options.multicast("dummy0", AddressFamily.IPV4),
                              p -> {})))
          .isInstanceOf(TransportException.class)
          .hasMessage(
              "dummy0: no IPv4 address to send VRRP from (add one to the interface, or configure a source address)");
    } finally {
      lab.execChecked(1, "ip", "link", "del", "dummy0");
    }
  }

  @Test
  void aSourceAddressNotOnTheInterfaceIsRefusedAtOpen() {
    for (String literal : List.of("198.18.0.99", "fd00:198:18::99")) {
      java.net.InetAddress source = java.net.InetAddress.ofLiteral(literal);
      assertThatThrownBy(
              () ->
                  lab.inNamespace(
                      1,
                      () ->
                          RawSocketTransport.open(
                              new RawSocketTransport.Options(
                                  "eth0", AddressFamily.of(source), source, List.of()),
                              p -> {})))
          .isInstanceOf(TransportException.class)
          .hasMessage(
              "eth0: source address "
                  + literal
                  + " is not on the interface (add it, or leave the source out to use the interface's own)");
    }
  }
}
