package org.vrrpagent.agent.systemd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the service is doing ({@code sd_notify(3)}): one AF_UNIX datagram to {@code
 * $NOTIFY_SOCKET} per message. Without {@code $NOTIFY_SOCKET} (not run by systemd, or not {@code
 * Type=notify}) every call does nothing.
 *
 * <p>A failed send is logged (the first at warn, later ones at debug) and counted, never thrown:
 * systemd being unreachable must not stop the agent. Messages are one line each and at most {@link
 * #MAX_STATUS_CHARS} characters of status text.
 */
public final class SdNotify {
  private static final Logger log = LoggerFactory.getLogger(SdNotify.class);

  /** Longest STATUS= text sent; longer text is cut (systemctl shows one line anyway). */
  public static final int MAX_STATUS_CHARS = 400;

  private final String socket;
  private final Optional<Duration> watchdogInterval;
  private final AtomicLong failures = new AtomicLong();

  private SdNotify(String socket, Optional<Duration> watchdogInterval) {
    this.socket = socket;
    this.watchdogInterval = watchdogInterval;
  }

  /** From this process's environment. */
  public static SdNotify fromEnvironment() {
    return from(System.getenv(), ProcessHandle.current().pid());
  }

  /**
   * From an environment: {@code NOTIFY_SOCKET} (a path, or {@code @name} in the abstract
   * namespace), {@code WATCHDOG_USEC} and {@code WATCHDOG_PID}.
   */
  public static SdNotify from(Map<String, String> env, long pid) {
    String socket = env.get("NOTIFY_SOCKET");
    if (socket != null && !(socket.startsWith("/") || socket.startsWith("@"))) {
      log.warn(
          "NOTIFY_SOCKET={}: not a unix socket path or @abstract name; not notifying systemd",
          socket);
      socket = null;
    }
    if (socket != null && socket.isEmpty()) {
      socket = null;
    }
    return new SdNotify(socket, socket == null ? Optional.empty() : watchdog(env, pid));
  }

  /** systemd's watchdog timeout halved (its advice), when the watchdog is on and meant for us. */
  static Optional<Duration> watchdog(Map<String, String> env, long pid) {
    String usec = env.get("WATCHDOG_USEC");
    if (usec == null) {
      return Optional.empty();
    }
    String forPid = env.get("WATCHDOG_PID");
    if (forPid != null && !forPid.equals(Long.toString(pid))) {
      return Optional.empty();
    }
    long micros;
    try {
      micros = Long.parseLong(usec);
    } catch (NumberFormatException e) {
      log.warn("WATCHDOG_USEC={}: not a number of microseconds; no watchdog pings", usec);
      return Optional.empty();
    }
    if (micros <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(micros) / 2));
  }

  /** True when run by systemd with a notify socket. */
  public boolean enabled() {
    return socket != null;
  }

  /** How often to send {@link #watchdog()}: half of {@code WatchdogSec}; empty when off. */
  public Optional<Duration> watchdogInterval() {
    return watchdogInterval;
  }

  /** {@code READY=1} with a status line: startup is complete. */
  public boolean ready(String status) {
    return send("READY=1\nSTATUS=" + oneLine(status));
  }

  /** {@code STATUS=…}: shown by {@code systemctl status}. */
  public boolean status(String status) {
    return send("STATUS=" + oneLine(status));
  }

  /** {@code WATCHDOG=1}: we are alive. */
  public boolean watchdog() {
    return send("WATCHDOG=1");
  }

  /** {@code RELOADING=1}: a reload started; send {@link #ready} when it is done. */
  public boolean reloading() {
    return send("RELOADING=1\nMONOTONIC_USEC=" + TimeUnit.NANOSECONDS.toMicros(System.nanoTime()));
  }

  /** {@code STOPPING=1}: shutdown started. */
  public boolean stopping() {
    return send("STOPPING=1");
  }

  /**
   * Sends {@code WATCHDOG=1} every {@link #watchdogInterval()} while {@code alive} says so (for
   * example: the engine thread answered a status call); a stuck agent then stops pinging and
   * systemd restarts it. Empty when the watchdog is off.
   */
  public Optional<ScheduledFuture<?>> keepAlive(
      ScheduledExecutorService executor, BooleanSupplier alive) {
    Objects.requireNonNull(alive, "alive");
    return watchdogInterval.map(
        every ->
            executor.scheduleAtFixedRate(
                () -> {
                  try {
                    if (alive.getAsBoolean()) {
                      watchdog();
                    } else {
                      log.warn("watchdog: the agent is not answering; not pinging systemd");
                    }
                  } catch (RuntimeException e) {
                    log.warn(
                        "watchdog: liveness check failed: {}; not pinging systemd", e.toString());
                  }
                },
                0,
                every.toNanos(),
                TimeUnit.NANOSECONDS));
  }

  /**
   * The STATUS= text for a set of instances: {@code "dns0 MASTER 250, dns1 BACKUP 200"} (name,
   * state, effective priority), cut to {@link #MAX_STATUS_CHARS}.
   */
  public static String describe(java.util.List<org.vrrpagent.core.engine.RouterStatus> routers) {
    if (routers.isEmpty()) {
      return "no instances";
    }
    StringBuilder b = new StringBuilder();
    for (var r : routers) {
      if (!b.isEmpty()) {
        b.append(", ");
      }
      b.append(r.name()).append(' ').append(r.state()).append(' ').append(r.effectivePriority());
    }
    return oneLine(b.toString());
  }

  /** Sends failed so far. */
  public long failures() {
    return failures.get();
  }

  /** Sends one raw message (lines of {@code KEY=value}). False when disabled or it failed. */
  public boolean send(String message) {
    if (socket == null) {
      return false;
    }
    try {
      UnixDatagram.send(socket, message.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (IOException | IllegalArgumentException e) {
      if (failures.getAndIncrement() == 0) {
        log.warn(
            "systemd notify to {} failed: {} (further failures are logged at debug level)",
            socket,
            e.getMessage());
      } else {
        log.debug("systemd notify to {} failed: {}", socket, e.getMessage());
      }
      return false;
    }
  }

  private static String oneLine(String text) {
    String line = text.replaceAll("[\\r\\n]+", " ").strip();
    return line.length() <= MAX_STATUS_CHARS ? line : line.substring(0, MAX_STATUS_CHARS - 1) + "…";
  }
}
