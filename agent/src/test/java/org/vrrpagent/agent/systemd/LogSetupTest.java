package org.vrrpagent.agent.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The logging set up in code is what logback.xml used to say. */
class LogSetupTest {
  @Test
  void logbackFindsItAsAService() {
    assertThat(ServiceLoader.load(Configurator.class).stream().map(p -> p.type().getName()))
        .contains(LogSetup.class.getName());
  }

  @Test
  void rootLogsThroughANonBlockingQueueToStdoutWithTheJournalLayout() {
    LoggerContext context = new LoggerContext();
    LogSetup.setUp(context);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> a = root.getAppender("ASYNC");
    assertThat(a).isInstanceOf(AsyncAppender.class);
    AsyncAppender async = (AsyncAppender) a;
    assertThat(async.isStarted()).isTrue();
    assertThat(async.getQueueSize()).isEqualTo(8192);
    assertThat(async.getDiscardingThreshold()).isZero();
    assertThat(async.isNeverBlock()).isTrue();
    assertThat(async.getMaxFlushTime()).isEqualTo(2000);
    Appender<ILoggingEvent> stdout = async.getAppender("STDOUT");
    assertThat(stdout).isInstanceOf(ConsoleAppender.class);
    assertThat(stdout.isStarted()).isTrue();
    LayoutWrappingEncoder<ILoggingEvent> encoder =
        (LayoutWrappingEncoder<ILoggingEvent>)
            ((ConsoleAppender<ILoggingEvent>) stdout).getEncoder();
    assertThat(encoder.getLayout()).isInstanceOf(JournalLayout.class);
    context.stop();
  }

  @Test
  void theLevelComesFromTheEnvironmentVariableAsInLogback() {
    assertThat(LogSetup.level(null)).isEqualTo(Level.INFO);
    assertThat(LogSetup.level("")).isEqualTo(Level.INFO);
    assertThat(LogSetup.level("debug")).isEqualTo(Level.DEBUG);
    assertThat(LogSetup.level("WARN")).isEqualTo(Level.WARN);
    assertThat(LogSetup.level("nonsense")).isEqualTo(Level.DEBUG);
  }
}
