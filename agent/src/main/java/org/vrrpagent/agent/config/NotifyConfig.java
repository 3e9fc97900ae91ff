package org.vrrpagent.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** {@code notify:} hooks, email and the event stream. */
public record NotifyConfig(List<Hook> hooks, Optional<Email> email, Events events) {
  public static final int MAX_HOOKS = 64;
  public static final NotifyConfig NONE =
      new NotifyConfig(List.of(), Optional.empty(), Events.NONE);

  public NotifyConfig {
    hooks = List.copyOf(hooks);
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(events, "events");
  }

  /** A state as hooks and mail name it. */
  public enum State {
    MASTER,
    BACKUP,
    FAULT,
    STOP
  }

  /** When a mail is sent. */
  public enum MailTrigger {
    MASTER,
    BACKUP,
    FAULT,
    STOP,
    /** BACKUP entered because a tracked check failed or the priority fell, not a healthy start. */
    BACKUP_AFTER_FAILURE
  }

  public enum StartTls {
    NONE,
    OPTIONAL,
    REQUIRED
  }

  /**
   * A hook program, executed without a shell.
   *
   * @param exec argv; exec[0] is an absolute path
   * @param timeout the process group is killed after this (default 10s)
   * @param on states this hook runs for; empty = a generic hook, which runs for every state and
   *     gets keepalived's four trailing arguments (INSTANCE|GROUP, name, STATE, priority)
   * @param instances instance or sync-group names; empty = all
   */
  public record Hook(List<String> exec, Duration timeout, Set<State> on, List<String> instances) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    public Hook {
      exec = List.copyOf(exec);
      Objects.requireNonNull(timeout, "timeout");
      on = Set.copyOf(on);
      instances = List.copyOf(instances);
    }

    public boolean generic() {
      return on.isEmpty();
    }
  }

  /**
   * Mail on state changes.
   *
   * @param when states that send mail (default master, fault, backup-after-failure)
   * @param coalesce one mail for transitions within this window (default 10s)
   */
  public record Email(
      Smtp smtp, String from, List<String> to, Set<MailTrigger> when, Duration coalesce) {
    public static final Duration DEFAULT_COALESCE = Duration.ofSeconds(10);
    public static final Duration MAX_COALESCE = Duration.ofHours(1);

    public Email {
      Objects.requireNonNull(smtp, "smtp");
      Objects.requireNonNull(from, "from");
      to = List.copyOf(to);
      when = Set.copyOf(when);
      Objects.requireNonNull(coalesce, "coalesce");
    }
  }

  /**
   * The SMTP server.
   *
   * @param port default 25, 465 with {@code tls: true}
   * @param starttls none | optional | required (default optional)
   * @param tls implicit TLS (port 465 style), excludes starttls
   * @param username AUTH user; together with passwordFile
   * @param passwordFile file holding the AUTH password
   * @param timeout connect/read timeout (default 10s)
   */
  public record Smtp(
      String host,
      int port,
      StartTls starttls,
      boolean tls,
      Optional<String> username,
      Optional<Path> passwordFile,
      Duration timeout) {
    public Smtp {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(starttls, "starttls");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(passwordFile, "passwordFile");
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  /**
   * The event stream.
   *
   * @param logFile JSON-lines event log file
   * @param logToStdout JSON-lines events on stdout ({@code log: stdout})
   * @param fifo keepalived notify FIFO ({@code INSTANCE "dns0" MASTER 100})
   */
  public record Events(Optional<Path> logFile, boolean logToStdout, Optional<Path> fifo) {
    public static final Events NONE = new Events(Optional.empty(), false, Optional.empty());
  }
}
