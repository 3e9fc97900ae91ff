package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An interface's index and MAC as the kernel reports them ({@code SIOCGIFINDEX}, {@code
 * SIOCGIFHWADDR} on any socket of the interface's namespace): what the ARP and ND watches need to
 * bind and to tell their own frames from others'.
 */
record LinkIdentity(int index, byte[] mac) {

  /** Refuses a name the kernel could not hold (IFNAMSIZ). */
  static void checkName(String interfaceName) {
    if (interfaceName.isEmpty() || interfaceName.length() >= Libc.IFNAMSIZ) {
      throw new IllegalArgumentException(
          "interface name \"" + interfaceName + "\" (expected: 1..15 characters)");
    }
  }

  /**
   * @throws Libc.ErrnoException when the kernel knows no such interface
   */
  static LinkIdentity query(int fd, String interfaceName, Arena arena) throws Libc.ErrnoException {
    MemorySegment ifreq = arena.allocate(Libc.IFREQ_BYTES);
    ifreq.copyFrom(arena.allocateFrom(interfaceName));
    Libc.ioctl(fd, Libc.SIOCGIFINDEX, ifreq);
    int index = ifreq.get(JAVA_INT, Libc.IFNAMSIZ);
    Libc.ioctl(fd, Libc.SIOCGIFHWADDR, ifreq);
    return new LinkIdentity(index, ifreq.asSlice(Libc.IFNAMSIZ + 2, 6).toArray(JAVA_BYTE));
  }
}
