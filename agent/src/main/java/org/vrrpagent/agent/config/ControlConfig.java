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
 */
public record ControlConfig(Optional<InetSocketAddress> listen, Optional<Path> unixSocket) {
  public static final int DEFAULT_PORT = 9740;
  public static final ControlConfig DEFAULT =
      new ControlConfig(Optional.of(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), DEFAULT_PORT)), Optional.empty());

  public ControlConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(unixSocket, "unixSocket");
  }
}
