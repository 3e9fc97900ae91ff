package org.vrrpagent.agent.systemd;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;

/**
 * The agent's log line layout, chosen at startup. Under journald ({@code $JOURNAL_STREAM} set, as
 * systemd does for a service whose stdout is the journal) each line starts with its syslog
 * priority, {@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug, so {@code
 * journalctl -p warning} works; the journal stamps the time itself. Elsewhere a line is {@code
 * 12:00:00.000 INFO message}.
 *
 * <p>A stack trace's lines each carry the prefix too (journald reads each line as one entry).
 */
public final class JournalLayout extends LayoutBase<ILoggingEvent> {
  static final String JOURNAL_PATTERN = "%msg%n%ex";
  static final String CONSOLE_PATTERN = "%d{HH:mm:ss.SSS} %-5level %msg%n%ex";

  private Boolean journal;
  private final PatternLayout inner = new PatternLayout();

  /** Forces journald mode on or off (tests; the default follows {@code $JOURNAL_STREAM}). */
  public void setJournal(boolean journal) {
    this.journal = journal;
  }

  public boolean isJournal() {
    return journal != null && journal;
  }

  @Override
  public void start() {
    if (journal == null) {
      String stream = System.getenv("JOURNAL_STREAM");
      journal = stream != null && !stream.isEmpty();
    }
    inner.setContext(getContext());
    inner.setPattern(journal ? JOURNAL_PATTERN : CONSOLE_PATTERN);
    inner.start();
    super.start();
  }

  @Override
  public void stop() {
    inner.stop();
    super.stop();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    String text = inner.doLayout(event);
    if (!journal) {
      return text;
    }
    String prefix = "<" + priority(event.getLevel()) + ">";
    StringBuilder out = new StringBuilder(text.length() + 8);
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      end = end < 0 ? text.length() : end + 1;
      out.append(prefix).append(text, start, end);
      start = end;
    }
    return out.toString();
  }

  /** The syslog priority of a level (sd-daemon(3)). */
  static int priority(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> 3;
      case Level.WARN_INT -> 4;
      case Level.INFO_INT -> 6;
      default -> 7;
    };
  }
}
