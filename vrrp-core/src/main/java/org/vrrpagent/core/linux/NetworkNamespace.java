package org.vrrpagent.core.linux;

import java.nio.file.Path;

/**
 * Moves the calling thread into another network namespace with {@code setns(2)}. Sockets a thread
 * creates belong to the namespace it was in at that moment and stay there; this is how tests (and
 * an operator's wrapper) run our transport inside {@code ip netns} namespaces from one JVM. Only
 * the calling thread moves; use a dedicated thread.
 */
public final class NetworkNamespace {
  private NetworkNamespace() {}

  /**
   * Enters the namespace behind {@code path}, e.g. {@code /var/run/netns/NAME}.
   *
   * @throws org.vrrpagent.core.io.TransportException when the file cannot be opened or setns fails
   */
  public static void enter(Path path) {
    int fd;
    try {
      fd = Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
    } catch (Libc.ErrnoException e) {
      throw new org.vrrpagent.core.io.TransportException(
          "cannot open network namespace " + path + ": " + e.reason());
    }
    try {
      Libc.setns(fd, Libc.CLONE_NEWNET);
    } catch (Libc.ErrnoException e) {
      throw new org.vrrpagent.core.io.TransportException(
          "cannot enter network namespace "
              + path
              + ": "
              + e.reason()
              + (e.errno == Libc.EPERM ? " (needs CAP_SYS_ADMIN: run as root)" : ""));
    } finally {
      Libc.closeQuietly(fd);
    }
  }
}
