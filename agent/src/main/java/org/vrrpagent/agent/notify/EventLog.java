package org.vrrpagent.agent.notify;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.NotifyConfig.Events;

/**
 * The event log: a JSON-lines log (file or stdout) and the live {@link EventBus}, written on one
 * thread; keepalived's notify FIFO on another (a FIFO nobody reads fills up and would stall the
 * log). Both queues are bounded; drops are counted.
 */
final class EventLog {
  private static final Logger log = LoggerFactory.getLogger(EventLog.class);

  /** Events waiting per queue. */
  static final int MAX_QUEUED_EVENTS = 1000;

  private final String node;
  private final Events config;
  private final EventBus bus;
  private final PrintStream stdout;
  private final SerialQueue<Notice> main;
  private final Optional<SerialQueue<StateEvent>> fifoQueue;
  private final LongAdder written = new LongAdder();
  private Writer logWriter;
  private boolean logFailed;
  private RandomAccessFile fifo;
  private boolean fifoFailed;

  EventLog(String node, Events config, EventBus bus, PrintStream stdout) {
    this.node = node;
    this.config = config;
    this.bus = bus;
    this.stdout = stdout;
    this.main = new SerialQueue<>("events", MAX_QUEUED_EVENTS, this::write);
    this.fifoQueue =
        config
            .fifo()
            .map(p -> new SerialQueue<>("events-fifo", MAX_QUEUED_EVENTS, this::writeFifo));
  }

  void offer(StateEvent event) {
    main.offer(event);
    fifoQueue.ifPresent(q -> q.offer(event));
  }

  /** A conflict alarm: the JSON log and subscribers only (keepalived's FIFO has no such line). */
  void offer(ConflictEvent event) {
    main.offer(event);
  }

  /** An address event (re-added, duplicate alarm): the JSON log and subscribers only. */
  void offer(ActionEvent event) {
    main.offer(event);
  }

  void offer(AddressEvent event) {
    main.offer(event);
  }

  /** A step of a planned rotation: the JSON log and subscribers only. */
  void offer(RotationEvent event) {
    main.offer(event);
  }

  long dropped() {
    return main.dropped() + fifoQueue.map(SerialQueue::dropped).orElse(0L);
  }

  long written() {
    return written.sum();
  }

  void close(Duration budget) {
    main.close(budget, () -> {});
    fifoQueue.ifPresent(q -> q.close(Duration.ofMillis(200), () -> {}));
    try {
      if (logWriter != null) {
        logWriter.close();
      }
      if (fifo != null) {
        fifo.close();
      }
    } catch (IOException e) {
      log.warn("event log: close failed: {}", e.getMessage());
    }
  }

  private void write(Notice event) {
    String json = EventJson.of(event, node);
    if (config.logToStdout()) {
      stdout.println(json);
      stdout.flush();
    }
    config.logFile().ifPresent(path -> appendLog(path, json));
    bus.publish(json);
    written.increment();
  }

  private void appendLog(Path path, String json) {
    try {
      if (logWriter == null) {
        logWriter =
            Files.newBufferedWriter(
                path,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
      }
      logWriter.write(json);
      logWriter.write('\n');
      logWriter.flush();
      logFailed = false;
    } catch (IOException e) {
      if (!logFailed) {
        log.error(
            "event log {}: cannot write: {} (events still go to subscribers; retried with the next event)",
            path,
            e.toString());
      }
      logFailed = true;
      logWriter = null;
    }
  }

  /**
   * keepalived's notify_fifo: the FIFO is created when missing and opened read-write, so opening
   * never waits for a reader and a reader may come and go.
   */
  private void writeFifo(StateEvent event) {
    Path path = config.fifo().orElseThrow();
    try {
      if (fifo == null) {
        if (!Files.exists(path)) {
          Fifo.create(path);
        }
        if (!Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class)
            .isOther()) {
          throw new IOException(
              path + " exists and is not a FIFO (expected: a FIFO, or no file: it is created)");
        }
        fifo = new RandomAccessFile(path.toFile(), "rw");
      }
      fifo.write((event.fifoLine() + "\n").getBytes(StandardCharsets.UTF_8));
      fifoFailed = false;
    } catch (IOException e) {
      if (!fifoFailed) {
        log.error("notify FIFO {}: cannot write: {}", path, e.toString());
      }
      fifoFailed = true;
      fifo = null;
    }
  }
}
