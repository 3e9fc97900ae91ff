package org.vrrpagent.agent.systemd;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The agent's logging, set up in code (found by logback through {@code
 * META-INF/services/ch.qos.logback.classic.spi.Configurator}) instead of a {@code logback.xml}:
 * logback's XML configurator loads about 600 classes (its own model and the JDK's XML parser) and
 * took a few hundred milliseconds of every start, the CLI's included.
 *
 * <p>What it sets up: short lines on stdout ({@link JournalLayout}: {@code <N>} priority prefixes
 * under journald), written through a bounded queue with its own thread, because the engine thread
 * logs every state change and must never wait on stdout (a stalled journald, a full pipe). When the
 * queue is full a line is dropped rather than waited for; what is queued is written at exit (a
 * shutdown hook, at most 2 s). {@code VRRP_AGENT_LOG_LEVEL} (debug, info, warn) sets the level.
 *
 * <p>An operator's own logback configuration still wins: with {@code -Dlogback.configurationFile}
 * (through {@code VRRP_AGENT_JAVA_OPTS}), or a {@code logback-test.xml} on the class path (the
 * tests), this configurator steps aside and logback reads that file.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  static final int QUEUE_SIZE = 8192;
  static final int MAX_FLUSH_MILLIS = 2000;

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    setUp(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The agent's appenders and level on {@code context} (whatever files exist). */
  static void setUp(LoggerContext context) {
    JournalLayout layout = new JournalLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder(encoder);
    console.start();
    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.setName("ASYNC");
    async.setQueueSize(QUEUE_SIZE);
    async.setDiscardingThreshold(0);
    async.setNeverBlock(true);
    async.setMaxFlushTime(MAX_FLUSH_MILLIS);
    async.addAppender(console);
    async.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level(System.getenv("VRRP_AGENT_LOG_LEVEL")));
    root.addAppender(async);
    DefaultShutdownHook hook = new DefaultShutdownHook();
    hook.setContext(context);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(hook, "Logback shutdown hook [" + context.getName() + "]"));
  }

  /** {@code VRRP_AGENT_LOG_LEVEL}: info when unset; an unknown name means debug, as in logback. */
  static Level level(String value) {
    return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.strip());
  }
}
