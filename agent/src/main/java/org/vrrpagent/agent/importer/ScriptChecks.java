package org.vrrpagent.agent.importer;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.vrrpagent.base.HostPort;

/**
 * Recognises the one-liners operators put in a keepalived {@code vrrp_script} and writes the native
 * probe that checks the same thing: {@code dig} → {@code dns}, {@code curl}/{@code wget} → {@code
 * http}, {@code pgrep}/{@code pidof}/{@code killall -0} → {@code process}. A command with an option
 * not understood here is left to a {@code script} check: a wrong translation is worse than a fork.
 */
final class ScriptChecks {
  /**
   * A recognised probe: its YAML block (one line, e.g. {@code dns: { … }}) and what differs from
   * the command.
   */
  record Native(String yaml, String note) {}

  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?=.{1,254}$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\\.?");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.:-]{1,253}");
  private static final Pattern DNS_TYPE =
      Pattern.compile(
          "A|AAAA|TXT|SOA|NS|MX|SRV|PTR|CNAME|CAA|DS|DNSKEY|NAPTR|TLSA|HTTPS|SVCB|ANY|TYPE[0-9]{1,5}");
  private static final Set<String> DNS_CLASSES = Set.of("IN", "CH", "HS");
  private static final Set<String> DIG_HARMLESS =
      Set.of(
          "+short",
          "+noall",
          "+answer",
          "+nocmd",
          "+nostats",
          "+noquestion",
          "+nocomments",
          "+noadditional",
          "+noauthority",
          "+search",
          "+nosearch",
          "+recurse",
          "+rec",
          "+ignore",
          "+noidentify");
  private static final Pattern DIG_TIMING =
      Pattern.compile("\\+(time|tries|retry|timeout|ndots|bufsize)=[0-9]{1,6}");
  private static final Pattern PROCESS_NAME = Pattern.compile("[A-Za-z0-9_.:+@-]{1,15}");

  private ScriptChecks() {}

  static Optional<Native> recognise(List<String> argv) {
    if (argv.isEmpty()) {
      return Optional.empty();
    }
    String program = argv.getFirst();
    String base = program.substring(program.lastIndexOf('/') + 1);
    List<String> args = argv.subList(1, argv.size());
    return switch (base) {
      case "dig" -> dig(args);
      case "curl" -> curl(args);
      case "wget" -> wget(args);
      case "pgrep" -> pgrep(args);
      case "pidof" -> pidof(args);
      case "killall" -> killall(args);
      default -> Optional.empty();
    };
  }

  private static Optional<Native> dig(List<String> args) {
    String server = null;
    String port = null;
    String name = null;
    String type = null;
    String dnsClass = null;
    boolean tcp = false;
    boolean dnssec = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("@")) {
        String host = a.substring(1);
        if (server != null
            || KeepalivedImporter.literal(host).isEmpty()
                && !(DOMAIN.matcher(host).matches()
                    && host.chars().anyMatch(Character::isLetter))) {
          return Optional.empty();
        }
        server = a.substring(1);
      } else if (a.equals("-p") || a.equals("-t") || a.equals("-c") || a.equals("-q")) {
        if (i + 1 >= args.size()) {
          return Optional.empty();
        }
        String v = args.get(++i);
        switch (a) {
          case "-p" -> port = v;
          case "-t" -> type = v.toUpperCase(Locale.ROOT);
          case "-c" -> dnsClass = v.toUpperCase(Locale.ROOT);
          default -> name = v;
        }
      } else if (a.equals("-4") || a.equals("-6")) {
        continue;
      } else if (a.startsWith("-")) {
        return Optional.empty();
      } else if (a.equals("+tcp") || a.equals("+vc")) {
        tcp = true;
      } else if (a.equals("+dnssec")) {
        dnssec = true;
      } else if (a.startsWith("+")) {
        if (!DIG_HARMLESS.contains(a) && !DIG_TIMING.matcher(a).matches()) {
          return Optional.empty();
        }
      } else if (name != null
          && type == null
          && DNS_TYPE.matcher(a.toUpperCase(Locale.ROOT)).matches()) {
        type = a.toUpperCase(Locale.ROOT);
      } else if (name != null
          && dnsClass == null
          && DNS_CLASSES.contains(a.toUpperCase(Locale.ROOT))) {
        dnsClass = a.toUpperCase(Locale.ROOT);
      } else if (name == null) {
        name = a;
      } else {
        return Optional.empty();
      }
    }
    if (server == null || name == null || !DOMAIN.matcher(name).matches()) {
      // Without @server dig asks the resolvers of /etc/resolv.conf: not something to guess.
      return Optional.empty();
    }
    if (type != null && !DNS_TYPE.matcher(type).matches()
        || dnsClass != null && !DNS_CLASSES.contains(dnsClass)) {
      return Optional.empty();
    }
    if (port != null) {
      if (!port.matches("[0-9]{1,5}")
          || Integer.parseInt(port) < 1
          || Integer.parseInt(port) > 65535) {
        return Optional.empty();
      }
      server = HostPort.of(server, Integer.parseInt(port));
    }
    StringBuilder y =
        new StringBuilder("dns: { server: ")
            .append(YamlText.scalar(server))
            .append(", name: ")
            .append(YamlText.scalar(name))
            .append(", type: ")
            .append(type == null ? "A" : YamlText.scalar(type));
    if (dnsClass != null && !dnsClass.equals("IN")) {
      y.append(", class: ").append(dnsClass);
    }
    if (tcp) {
      y.append(", tcp: true");
    }
    if (dnssec) {
      y.append(", dnssec: true");
    }
    y.append(" }");
    return Optional.of(
        new Native(
            y.toString(),
            "dig exits 0 on any reply (SERVFAIL and REFUSED too); this check wants NOERROR"));
  }

  private static Optional<Native> curl(List<String> args) {
    String url = null;
    boolean fail = false;
    boolean insecure = false;
    boolean head = false;
    String family = null;
    String host = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--silent", "--show-error" -> {}
        case "--fail" -> fail = true;
        case "--insecure" -> insecure = true;
        case "--head" -> head = true;
        case "-o", "--output", "-m", "--max-time", "--connect-timeout" -> {
          if (++i >= args.size()) {
            return Optional.empty();
          }
        }
        case "-H", "--header" -> {
          if (++i >= args.size()) {
            return Optional.empty();
          }
          String h = args.get(i);
          if (!h.regionMatches(true, 0, "Host:", 0, 5) || host != null) {
            return Optional.empty();
          }
          host = h.substring(5).strip();
          if (!HOST.matcher(host).matches() || host.contains(":")) {
            return Optional.empty();
          }
        }
        default -> {
          if (a.startsWith("-") && a.length() > 1 && !a.startsWith("--")) {
            for (char c : a.substring(1).toCharArray()) {
              switch (c) {
                case 's', 'S' -> {}
                case 'f' -> fail = true;
                case 'k' -> insecure = true;
                case 'I' -> head = true;
                case '4' -> family = "ipv4";
                case '6' -> family = "ipv6";
                default -> {
                  return Optional.empty();
                }
              }
            }
          } else if (url == null && !a.startsWith("-")) {
            url = a;
          } else {
            return Optional.empty();
          }
        }
      }
    }
    return http(
        url,
        insecure,
        head,
        family,
        host,
        fail ? "200-399" : "100-599",
        fail
            ? "curl --fail: any status below 400 is up; redirects are not followed"
            : "curl without --fail exits 0 on any HTTP status, so every status counts as up here; consider expect-status: 200");
  }

  private static Optional<Native> wget(List<String> args) {
    String url = null;
    boolean insecure = false;
    boolean head = false;
    String family = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--quiet") || a.equals("--spider")) {
        head |= a.equals("--spider");
      } else if (a.equals("--no-check-certificate")) {
        insecure = true;
      } else if (a.startsWith("--output-document=")
          || a.startsWith("--timeout=")
          || a.startsWith("--tries=")
          || a.startsWith("--connect-timeout=")) {
        continue;
      } else if (a.startsWith("-") && a.length() > 1 && !a.startsWith("--")) {
        String flags = a.substring(1);
        for (int k = 0; k < flags.length(); k++) {
          char c = flags.charAt(k);
          if (c == 'q') {
            continue;
          }
          if (c == '4' || c == '6') {
            family = c == '4' ? "ipv4" : "ipv6";
            continue;
          }
          if (c == 'O' || c == 'T' || c == 't') {
            if (k == flags.length() - 1 && ++i >= args.size()) {
              return Optional.empty();
            }
            break;
          }
          return Optional.empty();
        }
      } else if (url == null && !a.startsWith("-")) {
        url = a;
      } else {
        return Optional.empty();
      }
    }
    return http(
        url,
        insecure,
        head,
        family,
        null,
        "200-399",
        "wget fails on a status of 400 or more and follows redirects; this check counts 200-399 as up and does not follow them");
  }

  private static Optional<Native> http(
      String url,
      boolean insecure,
      boolean head,
      String family,
      String host,
      String status,
      String note) {
    if (url == null) {
      return Optional.empty();
    }
    try {
      URI u = new URI(url);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          || u.getHost() == null
          || u.getUserInfo() != null) {
        return Optional.empty();
      }
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    StringBuilder y = new StringBuilder("http: { url: ").append(YamlText.scalar(url));
    if (head) {
      y.append(", method: HEAD");
    }
    if (host != null) {
      y.append(", host: ").append(YamlText.scalar(host));
    }
    if (family != null) {
      y.append(", family: ").append(family);
    }
    y.append(", expect-status: ").append(status);
    if (insecure && url.startsWith("https:")) {
      y.append(", tls-verify: false");
    }
    y.append(" }");
    return Optional.of(new Native(y.toString(), note));
  }

  private static Optional<Native> pgrep(List<String> args) {
    boolean exact = false;
    boolean full = false;
    String pattern = null;
    for (String a : args) {
      if (a.equals("-x") || a.equals("--exact")) {
        exact = true;
      } else if (a.equals("-f") || a.equals("--full")) {
        full = true;
      } else if (a.equals("-xf") || a.equals("-fx")) {
        exact = full = true;
      } else if (a.equals("-q") || a.equals("--quiet") || a.equals("-c") || a.equals("--count")) {
        continue;
      } else if (a.startsWith("-") || pattern != null) {
        return Optional.empty();
      } else {
        pattern = a;
      }
    }
    if (pattern == null || pattern.isEmpty()) {
      return Optional.empty();
    }
    if (full) {
      String regex = exact ? "^(" + pattern + ")$" : pattern;
      try {
        Pattern.compile(regex);
      } catch (RuntimeException e) {
        return Optional.empty();
      }
      return Optional.of(
          new Native(
              "process: { cmdline: " + YamlText.scalar(regex) + " }",
              "pgrep -f: the pattern is matched against the full command line (a Java regex here, an extended regex there)"));
    }
    if (!PROCESS_NAME.matcher(pattern).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new Native(
            "process: { name: " + YamlText.scalar(pattern) + " }",
            exact
                ? "pgrep -x: the exact process name, read from /proc without a fork"
                : "pgrep without -x also matches names that merely contain \""
                    + pattern
                    + "\"; this check wants the exact name"));
  }

  private static Optional<Native> pidof(List<String> args) {
    List<String> names = new ArrayList<>();
    for (String a : args) {
      if (a.equals("-s") || a.equals("-x") || a.equals("-q")) {
        continue;
      }
      if (a.startsWith("-")) {
        return Optional.empty();
      }
      names.add(a);
    }
    if (names.size() != 1 || !PROCESS_NAME.matcher(names.getFirst()).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new Native(
            "process: { name: " + YamlText.scalar(names.getFirst()) + " }",
            "the kernel's process name, read from /proc without a fork"));
  }

  private static Optional<Native> killall(List<String> args) {
    if (args.size() != 2
        || !args.getFirst().equals("-0")
        || !PROCESS_NAME.matcher(args.get(1)).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new Native(
            "process: { name: " + YamlText.scalar(args.get(1)) + " }",
            "the kernel's process name, read from /proc without a fork or a signal"));
  }

  /**
   * Splits a keepalived script string into argv as keepalived does: white space separates, quotes
   * group.
   */
  static List<String> split(String command) {
    List<String> out = new ArrayList<>();
    StringBuilder w = null;
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        if (w == null) {
          w = new StringBuilder();
        }
      } else if (Character.isWhitespace(c)) {
        if (w != null) {
          out.add(w.toString());
          w = null;
        }
      } else {
        if (w == null) {
          w = new StringBuilder();
        }
        w.append(c);
      }
    }
    if (w != null) {
      out.add(w.toString());
    }
    return out;
  }
}
