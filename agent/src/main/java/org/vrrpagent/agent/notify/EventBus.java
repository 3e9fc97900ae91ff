package org.vrrpagent.agent.notify;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live subscribers to the event stream (the control API's {@code GET /events}). Each event arrives
 * as one JSON object, the same line the event log writes, in event order, on the notifications'
 * event thread: a subscriber must not block (hand the line to its own queue) and should not throw
 * (a subscriber that throws is logged and keeps its subscription).
 */
public final class EventBus {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);

  /** Subscribers at once; past this {@link #subscribe} refuses. */
  public static final int MAX_SUBSCRIBERS = 256;

  private final CopyOnWriteArrayList<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();

  /**
   * Adds a subscriber until the returned handle is closed.
   *
   * @throws IllegalStateException past {@link #MAX_SUBSCRIBERS}
   */
  public AutoCloseable subscribe(Consumer<String> json) {
    synchronized (subscribers) {
      if (subscribers.size() >= MAX_SUBSCRIBERS) {
        throw new IllegalStateException(
            subscribers.size() + " event subscribers (expected: at most " + MAX_SUBSCRIBERS + ")");
      }
      subscribers.add(json);
    }
    return () -> subscribers.remove(json);
  }

  public int subscribers() {
    return subscribers.size();
  }

  void publish(String json) {
    for (Consumer<String> s : subscribers) {
      try {
        s.accept(json);
      } catch (RuntimeException e) {
        log.warn("event subscriber failed: {}", e.toString());
      }
    }
  }
}
