package org.vrrpagent.core.linux;

import org.vrrpagent.core.io.TransportException;

/**
 * Turns an errno into one line for the operator: the interface, what we tried, the kernel's words,
 * and what to do about it.
 */
final class KernelErrors {
  private KernelErrors() {}

  static TransportException explain(String interfaceName, String action, Libc.ErrnoException e) {
    String hint = hint(interfaceName, e.errno);
    return new TransportException(
        interfaceName
            + ": "
            + action
            + ": "
            + e.reason()
            + (hint.isEmpty() ? "" : " (" + hint + ")"),
        e);
  }

  /**
   * As {@link #explain(String, String, Libc.ErrnoException)}, with the kernel's own text (netlink's
   * extended ack, e.g. "Invalid prefix length") when it gave one.
   */
  static TransportException explain(
      String interfaceName, String action, Libc.ErrnoException e, String kernelDetail) {
    String hint = hint(interfaceName, e.errno);
    return new TransportException(
        interfaceName
            + ": "
            + action
            + ": "
            + e.reason()
            + (kernelDetail.isEmpty() ? "" : " (the kernel says: " + kernelDetail + ")")
            + (hint.isEmpty() ? "" : " (" + hint + ")"),
        e);
  }

  static String hint(String interfaceName, int errno) {
    return switch (errno) {
      case Libc.EPERM, Libc.EACCES -> "run as root or grant CAP_NET_RAW and CAP_NET_ADMIN";
      case Libc.ENODEV -> "no such interface; check the name with `ip link`";
      case Libc.EADDRNOTAVAIL ->
          "the address is not on "
              + interfaceName
              + "; check `ip addr show dev "
              + interfaceName
              + "`";
      case Libc.ENETDOWN -> "the interface is down; `ip link set " + interfaceName + " up`";
      case Libc.EAGAIN ->
          "the socket's send buffer is full (the link is congested); the next advert tries again";
      case Libc.ENETUNREACH -> "no route to that address through " + interfaceName;
      case Libc.ENOBUFS -> "the kernel dropped netlink messages: its queue for us was full";
      default -> "";
    };
  }
}
