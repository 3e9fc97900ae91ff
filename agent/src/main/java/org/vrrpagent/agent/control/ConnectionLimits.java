package org.vrrpagent.agent.control;

import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.base.AddressText;

/**
 * Who may open a control connection: at most {@link ControlServer#MAX_TCP_CONNECTIONS} over TCP,
 * {@link ControlServer#MAX_CONNECTIONS_PER_CLIENT} of them from one address, and the unix socket's
 * own {@link ControlServer#MAX_UNIX_CONNECTIONS}. A refusal is logged at once when it is the first
 * for {@link #LOG_INTERVAL}; later ones are counted and summed up in one line at the end of the
 * interval, so a flood of connects cannot flood the journal.
 */
final class ConnectionLimits {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private final ScheduledExecutorService timer;
  private final Map<InetAddress, Integer> perClient = new HashMap<>();
  private int tcp;
  private int unix;
  private long refused;
  private long unreported;
  private String lastReason = "";
  private boolean windowOpen;

  ConnectionLimits(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Counts {@code ch} in (and out again when it closes), or returns false and logs the refusal. */
  synchronized boolean admit(Channel ch) {
    String refusal = refusal(ch);
    if (refusal != null) {
      refuse(refusal);
      return false;
    }
    if (ch instanceof DomainSocketChannel) {
      unix++;
      ch.closeFuture().addListener(f -> release(null, true));
    } else {
      InetAddress client = client(ch);
      tcp++;
      perClient.merge(client, 1, Integer::sum);
      ch.closeFuture().addListener(f -> release(client, false));
    }
    return true;
  }

  synchronized long refused() {
    return refused;
  }

  private String refusal(Channel ch) {
    if (ch instanceof DomainSocketChannel) {
      return unix >= ControlServer.MAX_UNIX_CONNECTIONS
          ? ControlServer.MAX_UNIX_CONNECTIONS + " connections open on the unix socket (limit)"
          : null;
    }
    InetAddress client = client(ch);
    if (tcp >= ControlServer.MAX_TCP_CONNECTIONS) {
      return ControlServer.MAX_TCP_CONNECTIONS + " TCP connections open (limit)";
    }
    if (perClient.getOrDefault(client, 0) >= ControlServer.MAX_CONNECTIONS_PER_CLIENT) {
      return ControlServer.MAX_CONNECTIONS_PER_CLIENT
          + " connections open from "
          + (client == null ? "this client" : AddressText.of(client))
          + " (limit per client)";
    }
    return null;
  }

  private static InetAddress client(Channel ch) {
    return ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  private synchronized void release(InetAddress client, boolean overUnix) {
    if (overUnix) {
      unix--;
      return;
    }
    tcp--;
    perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
  }

  private void refuse(String reason) {
    refused++;
    lastReason = reason;
    if (!windowOpen) {
      windowOpen = true;
      log.warn(
          "control API: refused a connection: {} (further refusals are counted and logged every {} s)",
          reason,
          LOG_INTERVAL.toSeconds());
      later(this::endWindow);
    } else {
      unreported++;
    }
  }

  private synchronized void endWindow() {
    if (unreported == 0) {
      windowOpen = false;
      return;
    }
    log.warn(
        "control API: refused {} more connection(s) in the last {} s (last: {})",
        unreported,
        LOG_INTERVAL.toSeconds(),
        lastReason);
    unreported = 0;
    later(this::endWindow); // the window stays open
  }

  private void later(Runnable task) {
    try {
      timer.schedule(task, LOG_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      windowOpen = false; // the server is closing
    }
  }
}
