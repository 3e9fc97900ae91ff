package org.vrrpagent.agent.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JournalLayoutTest {
  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("test");

  private JournalLayout layout(boolean journal) {
    JournalLayout layout = new JournalLayout();
    layout.setContext(context);
    layout.setJournal(journal);
    layout.start();
    return layout;
  }

  private LoggingEvent event(Level level, String message, Throwable t) {
    return new LoggingEvent("fqcn", logger, level, message, t, null);
  }

  @ParameterizedTest(name = "{0} -> <{1}>")
  @CsvSource({"ERROR,3", "WARN,4", "INFO,6", "DEBUG,7", "TRACE,7"})
  void underJournaldEachLineStartsWithItsPriority(String level, int priority) {
    String line =
        layout(true)
            .doLayout(event(Level.toLevel(level), "dns0: BACKUP -> MASTER (master down)", null));
    assertThat(line)
        .isEqualTo(
            "<" + priority + ">dns0: BACKUP -> MASTER (master down)" + System.lineSeparator());
  }

  @Test
  void aStackTraceKeepsThePriorityOnEveryLine() {
    String text = layout(true).doLayout(event(Level.ERROR, "send failed", new IOException("boom")));
    String[] lines = text.split("\n");
    assertThat(lines.length).isGreaterThan(2);
    assertThat(lines).allMatch(l -> l.startsWith("<3>"));
    assertThat(lines[1]).isEqualTo("<3>java.io.IOException: boom");
  }

  @Test
  void elsewhereALineHasTimeAndLevel() {
    String line = layout(false).doLayout(event(Level.WARN, "check dns down", null));
    assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  check dns down\\R");
  }
}
