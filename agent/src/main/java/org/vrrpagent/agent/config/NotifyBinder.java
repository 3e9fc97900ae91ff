package org.vrrpagent.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.vrrpagent.agent.config.NotifyConfig.Email;
import org.vrrpagent.agent.config.NotifyConfig.Events;
import org.vrrpagent.agent.config.NotifyConfig.Hook;
import org.vrrpagent.agent.config.NotifyConfig.MailTrigger;
import org.vrrpagent.agent.config.NotifyConfig.Smtp;
import org.vrrpagent.agent.config.NotifyConfig.StartTls;
import org.vrrpagent.agent.config.YamlNode.Position;

/** {@code notify:}: hooks, email and the event stream. */
final class NotifyBinder extends Binder {
  private static final Pattern MAIL_ADDRESS = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+");

  NotifyBinder(Problems problems, FileRules rules, Declared declared, Path baseDir) {
    super(problems, rules, declared, baseDir);
  }

  NotifyConfig notify(
      MappingReader parent,
      Map<String, InstanceConfig> instances,
      Map<String, SyncGroupConfig> groups) {
    Optional<MappingReader> maybe =
        MappingReader.of(
            parent.node("notify").orElseThrow(), "notify", parent.keyAt("notify"), problems);
    if (maybe.isEmpty()) {
      return NotifyConfig.NONE;
    }
    MappingReader r = maybe.get();
    List<Hook> hooks = r.listOf("hooks", "hooks", n -> hook(n, instances, groups));
    tooMany(r, "hooks", hooks.size(), "hooks", NotifyConfig.MAX_HOOKS);
    Optional<Email> email = r.node("email").flatMap(n -> email(r, n));
    Events events = r.node("events").flatMap(n -> events(r, n)).orElse(Events.NONE);
    r.finish();
    return new NotifyConfig(hooks, email, events);
  }

  private Optional<Hook> hook(
      YamlNode n, Map<String, InstanceConfig> instances, Map<String, SyncGroupConfig> groups) {
    return MappingReader.of(n, "hook", n.position(), problems)
        .flatMap(
            r -> {
              Optional<List<String>> exec = argv(r, "exec");
              Duration timeout =
                  r.duration("timeout", Duration.ofMillis(100), Hook.MAX_TIMEOUT)
                      .orElse(Hook.DEFAULT_TIMEOUT);
              Map<String, NotifyConfig.State> states =
                  options(
                      "master",
                      NotifyConfig.State.MASTER,
                      "backup",
                      NotifyConfig.State.BACKUP,
                      "fault",
                      NotifyConfig.State.FAULT,
                      "stop",
                      NotifyConfig.State.STOP);
              Set<NotifyConfig.State> on = EnumSet.noneOf(NotifyConfig.State.class);
              on.addAll(r.listOf("on", "states", i -> r.choiceValue(i, "on", states)));
              List<String> names =
                  r.listOf(
                      "instances",
                      "instance or sync group names",
                      i ->
                          r.scalarText(i, "instance", "a name")
                              .filter(
                                  name -> {
                                    if (instances.containsKey(name) || groups.containsKey(name)) {
                                      return true;
                                    }
                                    if (declared.instances().contains(name)
                                        || declared.groups().contains(name)) {
                                      return false;
                                    }
                                    List<String> all = new ArrayList<>(declared.instances());
                                    all.addAll(declared.groups());
                                    problems.add(
                                        i.position(),
                                        "hook names unknown instance \""
                                            + YamlNode.abbreviate(name)
                                            + "\" (expected: "
                                            + (all.isEmpty()
                                                ? "an instance or sync group"
                                                : MappingReader.oneOf(all))
                                            + ")");
                                    return false;
                                  }));
              r.finish();
              return exec.map(e -> new Hook(e, timeout, on, names));
            });
  }

  private Optional<Email> email(MappingReader parent, YamlNode n) {
    return MappingReader.of(n, "email", parent.keyAt("email"), problems)
        .flatMap(
            r -> {
              Optional<Smtp> smtp =
                  r.has("smtp") ? r.node("smtp").flatMap(s -> smtp(r, s)) : Optional.empty();
              if (!r.has("smtp")) {
                r.missing("smtp", "{ host: ..., port: ... }");
              }
              Optional<String> from =
                  r.requiredString("from", "a mail address")
                      .filter(a -> mailAddress(r, "from", a, r.at("from")));
              List<String> to =
                  r.listOf(
                      "to",
                      "mail addresses",
                      i ->
                          r.scalarText(i, "to", "a mail address")
                              .filter(a -> mailAddress(r, "to", a, i.position())));
              if (!r.has("to")) {
                r.missing("to", "a list of mail addresses");
              } else if (r.node("to").get() instanceof YamlNode.Sequence s && s.items().isEmpty()) {
                problems.add(r.at("to"), "to is empty (expected: at least one mail address)");
              }
              Map<String, MailTrigger> triggers =
                  options(
                      "master",
                      MailTrigger.MASTER,
                      "backup",
                      MailTrigger.BACKUP,
                      "fault",
                      MailTrigger.FAULT,
                      "stop",
                      MailTrigger.STOP,
                      "backup-after-failure",
                      MailTrigger.BACKUP_AFTER_FAILURE);
              Set<MailTrigger> when = EnumSet.noneOf(MailTrigger.class);
              if (r.has("when")) {
                when.addAll(r.listOf("when", "states", i -> r.choiceValue(i, "when", triggers)));
              } else {
                when.addAll(
                    EnumSet.of(
                        MailTrigger.MASTER, MailTrigger.FAULT, MailTrigger.BACKUP_AFTER_FAILURE));
              }
              Duration coalesce =
                  r.duration("coalesce", Duration.ZERO, Email.MAX_COALESCE)
                      .orElse(Email.DEFAULT_COALESCE);
              r.finish();
              if (smtp.isEmpty() || from.isEmpty() || to.isEmpty()) {
                return Optional.empty();
              }
              return Optional.of(new Email(smtp.get(), from.get(), to, when, coalesce));
            });
  }

  private boolean mailAddress(MappingReader r, String key, String a, Position at) {
    if (MAIL_ADDRESS.matcher(a).matches()) {
      return true;
    }
    problems.add(
        at,
        key + " \"" + YamlNode.abbreviate(a) + "\" is not a mail address (expected: user@domain)");
    return false;
  }

  private Optional<Smtp> smtp(MappingReader parent, YamlNode n) {
    return MappingReader.of(n, "smtp", parent.keyAt("smtp"), problems)
        .flatMap(
            r -> {
              Optional<String> host =
                  r.requiredString("host", "the SMTP server's host name or address")
                      .filter(
                          h -> {
                            if (AddressSyntax.isHostName(h)
                                || AddressSyntax.literal(h).isPresent()) {
                              return true;
                            }
                            problems.add(
                                r.at("host"),
                                "host \""
                                    + YamlNode.abbreviate(h)
                                    + "\" is not a host name or address (expected: e.g. localhost)");
                            return false;
                          });
              boolean tls = r.bool("tls").orElse(false);
              StartTls starttls =
                  r.choice(
                          "starttls",
                          Binder.<StartTls>options(
                              "none",
                              StartTls.NONE,
                              "optional",
                              StartTls.OPTIONAL,
                              "required",
                              StartTls.REQUIRED))
                      .orElse(tls ? StartTls.NONE : StartTls.OPTIONAL);
              if (tls && r.has("starttls") && starttls != StartTls.NONE) {
                problems.add(
                    r.keyAt("starttls"),
                    "starttls with tls: true (expected: one of them; tls: true is implicit TLS, usually port 465)");
              }
              int port = r.integer("port", "port", 1, 65535).orElse(tls ? 465 : 25);
              Optional<String> user = r.string("username", "a user name");
              Optional<Path> passwordFile =
                  r.string("password-file", "an absolute path")
                      .flatMap(p -> secretFile(r, "password-file", p));
              if (r.has("username") != r.has("password-file")) {
                String given = r.has("username") ? "username" : "password-file";
                String other = r.has("username") ? "password-file" : "username";
                problems.add(
                    r.keyAt(given),
                    given + " without " + other + " (expected: both for SMTP AUTH, or neither)");
              }
              Duration timeout =
                  r.duration("timeout", Duration.ofMillis(100), Duration.ofMinutes(5))
                      .orElse(Duration.ofSeconds(10));
              r.finish();
              return host.map(h -> new Smtp(h, port, starttls, tls, user, passwordFile, timeout));
            });
  }

  private Optional<Events> events(MappingReader parent, YamlNode n) {
    return MappingReader.of(n, "events", parent.keyAt("events"), problems)
        .map(
            r -> {
              Optional<String> log = r.string("log", "stdout or an absolute path");
              boolean stdout = log.filter("stdout"::equals).isPresent();
              Optional<Path> logFile =
                  stdout ? Optional.empty() : log.flatMap(p -> absolutePath(r, "log", p));
              Optional<Path> fifo =
                  r.string("fifo", "an absolute path").flatMap(p -> absolutePath(r, "fifo", p));
              r.finish();
              return new Events(logFile, stdout, fifo);
            });
  }
}
