package org.vrrpagent.agent.control;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code GET /events} client: each event is one server-sent event ({@code data: {json}}). A
 * client that does not read (its socket buffer is full) is disconnected with a log line rather than
 * buffered without bound; it reconnects and reads {@code /status} to catch up.
 */
final class SseClient {
  private static final Logger log = LoggerFactory.getLogger(SseClient.class);
  private static final AtomicLong DROPPED_CLIENTS = new AtomicLong();

  private final Channel channel;

  SseClient(Channel channel) {
    this.channel = channel;
  }

  /** Called from the event bus's thread: must not block, must not throw. */
  void send(String json) {
    if (!channel.isActive()) {
      return;
    }
    if (!channel.isWritable()) {
      DROPPED_CLIENTS.incrementAndGet();
      log.warn(
          "control API: event client {} is not reading; disconnected it", channel.remoteAddress());
      channel.close();
      return;
    }
    // One event per line: a JSON text from the bus has no raw newlines, but be sure.
    String line = json.replace("\r", "").replace("\n", " ");
    write("data: " + line + "\n\n");
  }

  void heartbeat() {
    write(": keepalive\n\n");
  }

  private void write(String text) {
    channel.writeAndFlush(
        new DefaultHttpContent(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))));
  }

  /** Clients disconnected because they did not read (since start). */
  static long droppedClients() {
    return DROPPED_CLIENTS.get();
  }
}
