package org.vrrpagent.agent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The control API (status, metrics, demote/promote, reload).
 *
 * @param listen TCP address (default 127.0.0.1:9740); empty when {@code listen: off}
 * @param unixSocket a unix socket path, in addition
 * @param allowRemote {@code allow-remote: true}: the operator accepts a {@code listen} address that
 *     is not loopback (the API has no authentication)
 */
public record ControlConfig(
    Optional<InetSocketAddress> listen, Optional<Path> unixSocket, boolean allowRemote) {
  public static final int DEFAULT_PORT = 9740;
  public static final ControlConfig DEFAULT =
      new ControlConfig(
          Optional.of(
              new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), DEFAULT_PORT)),
          Optional.empty());

  /** Local listeners only. */
  public ControlConfig(Optional<InetSocketAddress> listen, Optional<Path> unixSocket) {
    this(listen, unixSocket, false);
  }

  /** True when the TCP listener accepts connections from other hosts. */
  public boolean remote() {
    return listen.isPresent() && !listen.get().getAddress().isLoopbackAddress();
  }

  public ControlConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(unixSocket, "unixSocket");
  }
}
