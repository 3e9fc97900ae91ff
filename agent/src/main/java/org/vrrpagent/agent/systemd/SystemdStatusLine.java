package org.vrrpagent.agent.systemd;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.fsm.Action;

/**
 * Tells systemd each state change ({@code STATUS=dns0: MASTER (prio 200)}, shown by {@code
 * systemctl status}) without making the engine thread wait: the listener only queues the line; a
 * thread of its own ({@code sd-notify-status}) does the {@code sendto}, which blocks when systemd
 * is slow to read its socket.
 *
 * <p>The queue holds {@value #MAX_PENDING} lines. When it is full the oldest waiting line is
 * dropped, and counted ({@link #coalesced()}): each STATUS= replaces the one before it, so systemd
 * still ends up showing the newest. Without {@code $NOTIFY_SOCKET} nothing is queued and no thread
 * runs.
 */
public final class SystemdStatusLine implements EngineListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SystemdStatusLine.class);

  /** Lines waiting for the sender thread. */
  public static final int MAX_PENDING = 16;

  private final SdNotify sd;
  private final BlockingQueue<String> pending = new ArrayBlockingQueue<>(MAX_PENDING);
  private final AtomicLong coalesced = new AtomicLong();
  private final Thread sender;

  public SystemdStatusLine(SdNotify sd) {
    this.sd = Objects.requireNonNull(sd, "sd");
    if (sd.enabled()) {
      sender = Thread.ofPlatform().daemon().name("sd-notify-status").start(this::sendLoop);
    } else {
      sender = null;
    }
  }

  @Override
  public void stateChanged(String router, Action.StateChanged change) {
    offer(router + ": " + change.to() + " (prio " + change.priority() + ")");
  }

  /** Queues {@code line} for systemd; never waits (a full queue drops its oldest line). */
  public void offer(String line) {
    if (sender == null) {
      return;
    }
    while (!pending.offer(line)) {
      if (pending.poll() != null) {
        coalesced.incrementAndGet();
      }
    }
  }

  /** Lines dropped because newer ones replaced them before they could be sent. */
  public long coalesced() {
    return coalesced.get();
  }

  private void sendLoop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        sd.status(pending.take());
      }
    } catch (InterruptedException e) {
      // close()
    }
  }

  /** Stops the sender thread (bounded: a send blocked on systemd's socket is left behind). */
  @Override
  public void close() {
    if (sender == null) {
      return;
    }
    sender.interrupt();
    try {
      if (!sender.join(java.time.Duration.ofSeconds(1))) {
        log.debug("sd-notify-status: a send to systemd is still blocked; leaving it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (coalesced.get() > 0) {
      log.debug(
          "sd-notify-status: {} status line(s) replaced by newer ones before they were sent",
          coalesced.get());
    }
  }
}
