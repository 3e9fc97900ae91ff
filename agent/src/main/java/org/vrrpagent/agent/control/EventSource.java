package org.vrrpagent.agent.control;

import java.util.function.Consumer;

/**
 * Events for {@code GET /events}: each is one JSON object on one line. The notification event bus
 * implements it. The consumer must not block and is called from the bus's thread.
 */
@FunctionalInterface
public interface EventSource {
  /** Starts delivering events to {@code json}; closing the result stops it. */
  AutoCloseable subscribe(Consumer<String> json);

  /** No events ever (when nothing is connected). */
  EventSource NONE = json -> () -> {};
}
