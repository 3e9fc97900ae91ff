package org.vrrpagent.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.vrrpagent.agent.config.YamlNode.Entry;
import org.vrrpagent.agent.config.YamlNode.Position;
import org.vrrpagent.agent.config.YamlNode.Scalar;
import org.vrrpagent.agent.config.YamlNode.ScalarKind;
import org.vrrpagent.agent.config.YamlNode.Sequence;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.DnsProbeSpec;
import org.vrrpagent.checks.FileProbeSpec;
import org.vrrpagent.checks.HttpProbeSpec;
import org.vrrpagent.checks.InterfaceProbeSpec;
import org.vrrpagent.checks.InvalidOptionException;
import org.vrrpagent.checks.ProbeSpec;
import org.vrrpagent.checks.ProcessProbeSpec;
import org.vrrpagent.checks.ScriptProbeSpec;
import org.vrrpagent.checks.TcpProbeSpec;

/**
 * {@code checks:}, bound straight to the checks module's {@link CheckSpec} and probe spec records.
 * This class reads only the YAML shape of each key (a string, an integer, a duration, a list); what
 * a value means — a record type, a port range, a pin — is decided once, by the spec record's
 * constructor, whose {@link InvalidOptionException} names the key and is reported here at that
 * key's line and column. So {@code validate} and the daemon use the very objects, and a value the
 * probe could not use cannot pass {@code validate}.
 */
final class CheckBinder extends Binder {
  static final int MAX_CHECKS = 4096;
  static final List<String> PROBES =
      List.of("dns", "http", "tcp", "process", "script", "file", "interface");

  CheckBinder(Problems problems, FileRules rules, Declared declared, Path baseDir) {
    super(problems, rules, declared, baseDir);
  }

  Map<String, CheckSpec> checks(MappingReader root) {
    return namedMap(root, "checks", "check", MAX_CHECKS, this::check);
  }

  private Optional<CheckSpec> check(String name, Entry entry) {
    Optional<MappingReader> maybe =
        MappingReader.of(entry.value(), "check \"" + name + "\"", entry.keyPosition(), problems);
    if (maybe.isEmpty()) {
      return Optional.empty();
    }
    MappingReader r = maybe.get();
    int before = problemCount();
    Duration interval = r.duration("interval").orElse(null);
    Duration timeout = r.duration("timeout").orElse(null);
    Integer rise = r.integer("rise").orElse(null);
    Integer fall = r.integer("fall").orElse(null);
    CheckSpec.Initial initial =
        r.choice(
                "initial",
                Binder.<CheckSpec.Initial>options(
                    "up", CheckSpec.Initial.UP, "down", CheckSpec.Initial.DOWN))
            .orElse(null);
    List<String> present = PROBES.stream().filter(p -> r.entry(p).isPresent()).toList();
    Optional<ProbeSpec> probe = Optional.empty();
    if (present.isEmpty()) {
      problems.add(
          entry.keyPosition(),
          "check \""
              + name
              + "\" has no probe (expected: one of "
              + String.join(", ", PROBES)
              + ")");
    } else if (present.size() > 1) {
      problems.add(
          r.keyAt(present.get(1)),
          "check \""
              + name
              + "\" has two probes, "
              + present.get(0)
              + " and "
              + present.get(1)
              + " (expected: exactly one probe per check)");
    } else {
      String kind = present.getFirst();
      YamlNode n = r.entry(kind).orElseThrow().value();
      probe =
          MappingReader.of(n, kind + " probe of check \"" + name + "\"", r.keyAt(kind), problems)
              .flatMap(
                  p -> {
                    Optional<ProbeSpec> spec = probe(kind, p);
                    p.finish();
                    return spec;
                  });
    }
    r.finish();
    if (problemCount() != before || probe.isEmpty()) {
      return Optional.empty();
    }
    ProbeSpec bound = probe.get();
    return build(r, () -> new CheckSpec(name, bound, interval, timeout, rise, fall, initial));
  }

  private Optional<ProbeSpec> probe(String kind, MappingReader p) {
    int before = problemCount();
    // Each reader reports a value of the wrong YAML shape; then no spec is built (its "missing"
    // would be wrong).
    Supplier<ProbeSpec> make =
        switch (kind) {
          case "dns" -> dns(p);
          case "http" -> http(p);
          case "tcp" -> tcp(p);
          case "process" -> process(p);
          case "script" -> script(p);
          case "file" -> file(p);
          case "interface" -> interfaceProbe(p);
          default -> throw new IllegalStateException("probe kind " + kind);
        };
    if (problemCount() != before) {
      return Optional.empty();
    }
    Optional<ProbeSpec> spec = build(p, make);
    spec.ifPresent(
        s -> {
          if (s instanceof ScriptProbeSpec script) {
            rules
                .executable(Path.of(script.exec().getFirst()))
                .ifPresent(problem -> problems.add(firstItem(p, "exec"), problem));
          }
        });
    if (problemCount() != before) {
      return Optional.empty();
    }
    // What making the probe would refuse on this host (an unreadable ca-file, an unknown user).
    return spec.flatMap(
        s ->
            build(
                p,
                () -> {
                  rules.probe(s);
                  return s;
                }));
  }

  /** Runs a spec constructor; its refusal is reported at the key it names. */
  private <T> Optional<T> build(MappingReader r, Supplier<T> constructor) {
    try {
      return Optional.of(constructor.get());
    } catch (InvalidOptionException e) {
      boolean present = !e.key().isEmpty() && r.has(e.key());
      String message = e.getMessage();
      if (!present && message.startsWith("missing " + e.key() + " (")) {
        message =
            "missing "
                + e.key()
                + " in "
                + r.where()
                + message.substring(("missing " + e.key()).length());
      }
      problems.add(
          !present
              ? r.owner()
              : e.aboutKey()
                  ? r.keyAt(e.key())
                  : e.item() >= 0 ? item(r, e.key(), e.item()) : r.at(e.key()),
          message);
      return Optional.empty();
    }
  }

  private static Position firstItem(MappingReader r, String key) {
    return item(r, key, 0);
  }

  /**
   * Where entry {@code index} of the list under {@code key} is (the key's value when it is no
   * list).
   */
  private static Position item(MappingReader r, String key, int index) {
    return r.node(key)
        .filter(Sequence.class::isInstance)
        .map(s -> ((Sequence) s).items())
        .filter(items -> items.size() > index)
        .map(items -> items.get(index).position())
        .orElse(r.at(key));
  }

  // ---------------------------------------------------------------- YAML shapes

  private static String text(MappingReader r, String key) {
    return r.string(key, "a string").orElse(null);
  }

  private static Boolean flag(MappingReader r, String key) {
    return r.bool(key).orElse(null);
  }

  private static Integer number(MappingReader r, String key) {
    return r.integer(key).orElse(null);
  }

  private Path path(MappingReader r, String key) {
    return r.string(key, "an absolute path").flatMap(t -> absolutePath(r, key, t)).orElse(null);
  }

  /** A list of scalars, or one scalar standing for a list of one; null when the key is absent. */
  private List<String> texts(MappingReader r, String key, String expected) {
    Optional<YamlNode> n = r.node(key);
    if (n.isEmpty()) {
      return null;
    }
    List<YamlNode> items = n.get() instanceof Sequence s ? s.items() : List.of(n.get());
    List<String> out = new ArrayList<>();
    for (YamlNode item : items) {
      r.scalarText(item, key, expected).ifPresent(out::add);
    }
    return out;
  }

  private List<String> argvOf(MappingReader r, String key) {
    if (!r.has(key)) {
      return null;
    }
    return r.list(key, "the program's absolute path, then its arguments")
        .map(
            items -> {
              List<String> argv = new ArrayList<>();
              for (YamlNode n : items) {
                if (n instanceof Scalar s && s.kind() != ScalarKind.NULL) {
                  argv.add(argv.isEmpty() ? program(s.text()) : s.text());
                } else {
                  problems.add(
                      n.position(),
                      key + " argument is " + YamlNode.describe(n) + " (expected: a string)");
                }
              }
              return argv;
            })
        .orElse(null);
  }

  // ---------------------------------------------------------------- probes

  private Supplier<ProbeSpec> dns(MappingReader r) {
    String server = text(r, "server");
    String name = text(r, "name");
    String type = text(r, "type");
    String dnsClass = text(r, "class");
    Boolean tcp = flag(r, "tcp");
    Boolean dnssec = flag(r, "dnssec");
    Boolean requireAd = flag(r, "require-ad");
    String rcode = text(r, "expect-rcode");
    List<String> answers = texts(r, "expect-answers", "an answer's text");
    String contains = text(r, "answer-contains");
    String regex = text(r, "answer-regex");
    Boolean requireAnswer = flag(r, "require-answer");
    return () ->
        new DnsProbeSpec(
            server,
            name,
            type,
            dnsClass,
            tcp,
            dnssec,
            requireAd,
            rcode,
            answers,
            contains,
            regex,
            requireAnswer);
  }

  private Supplier<ProbeSpec> http(MappingReader r) {
    String url = text(r, "url");
    String method = text(r, "method");
    String host = text(r, "host");
    String connectTo = text(r, "connect-to");
    String family = text(r, "family");
    List<String> status = texts(r, "expect-status", "a status like 200 or a range like 200-299");
    String bodyContains = text(r, "body-contains");
    String bodyRegex = text(r, "body-regex");
    Boolean tlsVerify = flag(r, "tls-verify");
    Path caFile = path(r, "ca-file");
    List<String> pins = texts(r, "tls-pin", "a SHA-256 fingerprint or public-key hash");
    Duration expiry = r.duration("cert-expiry-warning").orElse(null);
    Integer maxBody = number(r, "max-body-bytes");
    return () ->
        new HttpProbeSpec(
            url,
            method,
            host,
            connectTo,
            family,
            status,
            bodyContains,
            bodyRegex,
            tlsVerify,
            caFile,
            pins,
            expiry,
            maxBody);
  }

  private Supplier<ProbeSpec> tcp(MappingReader r) {
    String host = text(r, "host");
    Integer port = number(r, "port");
    String send = text(r, "send");
    String expect = text(r, "expect");
    Integer within = number(r, "expect-within");
    return () -> new TcpProbeSpec(host, port, send, expect, within);
  }

  private Supplier<ProbeSpec> process(MappingReader r) {
    String name = text(r, "name");
    String cmdline = text(r, "cmdline");
    Path pidFile = path(r, "pid-file");
    Integer minCount = number(r, "min-count");
    return () -> new ProcessProbeSpec(name, cmdline, pidFile, minCount);
  }

  private Supplier<ProbeSpec> script(MappingReader r) {
    List<String> exec = argvOf(r, "exec");
    String user = text(r, "user");
    Integer maxOutput = number(r, "max-output-bytes");
    Duration grace = r.duration("kill-grace").orElse(null);
    return () -> new ScriptProbeSpec(exec, user, grace, maxOutput);
  }

  private Supplier<ProbeSpec> file(MappingReader r) {
    Path path = path(r, "path");
    return () -> new FileProbeSpec(path);
  }

  private Supplier<ProbeSpec> interfaceProbe(MappingReader r) {
    String name = text(r, "name");
    String source = text(r, "source");
    return () -> new InterfaceProbeSpec(name, source);
  }
}
