package org.vrrpagent.agent.importer;

import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.vrrpagent.agent.importer.KeepalivedParser.Statement;
import org.vrrpagent.agent.importer.KeepalivedParser.Word;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.base.HostPort;

/**
 * Translates a parsed keepalived.conf into vrrp-agent YAML, with a comment wherever the translation
 * is not one to one. Rules (docs/migrating-from-keepalived.md):
 *
 * <ul>
 *   <li>nothing is dropped silently: whatever has no equivalent is listed at the end with its file
 *       and line, and printed as a warning;
 *   <li>where keepalived's default differs from ours (VRRP version, a script's initial state, mail
 *       policy, SMTP timeout), keepalived's value is written explicitly, with a comment;
 *   <li>an address keepalived itself ignores (family other than its instance's) is named in a
 *       comment, never turned into a virtual address keepalived never held;
 *   <li>every value written is one the loader accepts; a value out of our range is clamped or left
 *       out, with a comment saying which.
 * </ul>
 */
public final class KeepalivedImporter {
  /**
   * The YAML text, the warnings (one line each, {@code FILE:LINE: …}) and how many instances it
   * defines.
   */
  public record Result(String yaml, List<String> warnings, int instances) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
  private static final Pattern INTERFACE = Pattern.compile("(?!\\.\\.?$)[!-~&&[^/:]]{1,15}");
  private static final Pattern MAIL = Pattern.compile("[^@\\s<>\"\\\\]+@[^@\\s<>\"\\\\]+");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,6})?");
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,9}");
  private static final long HOUR_MS = 3_600_000L;

  private final List<String> warnings = new ArrayList<>();
  private final List<String> untranslated = new ArrayList<>();

  // global_defs
  private String node;
  private String nodeComment;
  private final List<String> mailTo = new ArrayList<>();
  private String mailFrom;
  private String smtpHost;
  private Integer smtpPort;
  private Long smtpTimeoutMs;
  private boolean globalSmtpAlert;
  private boolean noEmailFaults;
  private String scriptUser;
  private boolean scriptSecurity;
  private Integer defaultVersion;
  // global_defs vrrp_priority / vrrp_rt_priority: engine-priority's value and where it came from.
  private String engineNice;
  private String engineRealtime;
  private String enginePriorityWhere;
  private Long garpDelayMs;
  private Integer garpRepeat;
  private Long garpRefreshMs;
  private String fifo;
  private final List<String> globalComments = new ArrayList<>();

  private final Map<String, Statement> scripts = new LinkedHashMap<>();
  private final Map<String, Statement> processes = new LinkedHashMap<>();
  private final Map<String, Statement> trackFiles = new LinkedHashMap<>();

  /**
   * A kind of definition an instance tracks by name ({@code track_script}, {@code track_process},
   * {@code track_file}).
   *
   * @param track the keyword of the instance's block that names them
   * @param key the prefix of its key in {@code checkByDefinition}
   * @param definedBy the definition's keyword, as the warning for a missing one names it
   * @param defaultWeight keepalived's weight when the definition gives none
   * @param syncGroupLog keepalived's log line (with {@code %s} for the name) when it drops a
   *     weighted one tracked by a member of a sync group, or null when it keeps it
   * @param untracked the warning for a definition nothing tracks
   * @param translate the check it becomes, or null (with a warning) when it cannot be translated
   */
  private record Tracked(
      String track,
      String key,
      String definedBy,
      Map<String, Statement> definitions,
      int defaultWeight,
      String syncGroupLog,
      String untracked,
      BiFunction<String, Statement, Check> translate) {}

  private final List<Tracked> trackedKinds =
      List.of(
          new Tracked(
              "track_script",
              "script",
              "vrrp_script",
              scripts,
              0,
              "ignoring tracked script %s with weights due to SYNC group",
              "no vrrp_instance or sync group tracks it, so keepalived never runs it",
              this::scriptCheck),
          new Tracked(
              "track_process",
              "process",
              "vrrp_track_process",
              processes,
              1,
              null,
              "no vrrp_instance or sync group tracks it",
              this::processCheck),
          new Tracked(
              "track_file",
              "file",
              "track_file",
              trackFiles,
              1,
              "ignoring tracked file %s with weight … due to SYNC group",
              "no vrrp_instance or sync group tracks it",
              this::fileCheck));

  private final List<Statement> instanceStatements = new ArrayList<>();
  private final List<Statement> groupStatements = new ArrayList<>();

  // Output model
  private final Map<String, Check> checks = new LinkedHashMap<>();
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private final List<Hook> hooks = new ArrayList<>();
  private final Set<String> mailingInstances = new LinkedHashSet<>();
  private final Set<String> usedNames = new HashSet<>();
  private final Set<String> usedCheckNames = new HashSet<>();

  private static final class Check {
    final String name;
    final List<String> comments = new ArrayList<>();
    final List<String> lines = new ArrayList<>();

    Check(String name) {
      this.name = name;
    }
  }

  private static final class Track {
    final String check;
    final int weight;
    final boolean reverse;
    final String comment;

    Track(String check, int weight, boolean reverse, String comment) {
      this.check = check;
      this.weight = weight;
      this.reverse = reverse;
      this.comment = comment;
    }
  }

  private static final class Instance {
    final String kaName;
    final String name;
    final Statement at;
    final List<String> comments = new ArrayList<>();
    String iface;
    int vrid;
    int version;
    int priority = 100;
    long advertMs = 1000;
    boolean preempt = true;
    long preemptDelayMs;
    boolean ipv6;
    final List<String> addresses = new ArrayList<>();
    String source;
    final List<String> peers = new ArrayList<>();

    /** keepalived {@code min_ttl}/{@code max_ttl} of a peer: {min, max}. */
    final Map<String, int[]> peerTtl = new HashMap<>();

    String authPassword;
    Long garpDelayMs;
    Integer garpRepeat;
    Long garpRefreshMs;
    boolean virtualMac;
    final List<Track> tracks = new ArrayList<>();
    String group;
    final List<String> sharesWith = new ArrayList<>();

    Instance(String kaName, String name, Statement at) {
      this.kaName = kaName;
      this.name = name;
      this.at = at;
    }
  }

  private static final class Group {
    final String name;
    final List<String> members = new ArrayList<>();
    final List<String> comments = new ArrayList<>();

    Group(String name) {
      this.name = name;
    }
  }

  private record Hook(List<String> exec, String on, List<String> targets, String comment) {}

  private KeepalivedImporter() {}

  /** Translates what {@link KeepalivedParser} read; {@code source} names the file in the header. */
  public static Result translate(KeepalivedParser.Result parsed, String source) {
    KeepalivedImporter t = new KeepalivedImporter();
    for (String note : parsed.notes()) {
      t.untranslated.add(note);
      t.warnings.add(note);
    }
    t.collect(parsed.statements());
    t.build();
    return new Result(t.write(source), List.copyOf(t.warnings), t.instances.size());
  }

  // ---------------------------------------------------------------- pass 1: what is defined where

  private void collect(List<Statement> top) {
    for (Statement s : top) {
      switch (s.keyword()) {
        case "global_defs" -> globals(s);
        case "vrrp_script" -> named(s, scripts);
        case "vrrp_track_process" -> named(s, processes);
        case "vrrp_track_file", "track_file" -> named(s, trackFiles);
        case "vrrp_instance" -> {
          if (requireBlock(s)) {
            instanceStatements.add(s);
          }
        }
        case "vrrp_sync_group" -> {
          if (requireBlock(s)) {
            groupStatements.add(s);
          }
        }
        case "virtual_server", "virtual_server_group" ->
            skip(s, "LVS/IPVS is not part of vrrp-agent");
        case "static_ipaddress",
            "static_routes",
            "static_rules",
            "virtual_routes",
            "virtual_rules" ->
            skip(
                s,
                "static addresses, routes and rules are not managed by vrrp-agent (use the system's network configuration)");
        case "bfd_instance" -> skip(s, "BFD is not part of vrrp-agent");
        case "linkbeat_interfaces", "garp_group", "track_group" ->
            skip(s, "not supported by vrrp-agent");
        default -> skip(s, "unknown keyword");
      }
    }
  }

  private boolean requireBlock(Statement s) {
    if (s.block() == null || s.args().size() != 1) {
      skip(s, "expected " + s.keyword() + " NAME { … }");
      return false;
    }
    return true;
  }

  private void named(Statement s, Map<String, Statement> into) {
    if (!requireBlock(s)) {
      return;
    }
    String name = s.args().getFirst().text();
    if (into.containsKey(name)) {
      skip(s, s.keyword() + " " + name + " defined again (keepalived keeps the first)");
      return;
    }
    into.put(name, s);
  }

  /** Records a statement with no translation: listed at the end of the output and warned about. */
  private void skip(Statement s, String reason) {
    String line = s.where() + ": " + s.text() + " — " + reason;
    untranslated.add(line);
    warnings.add(s.where() + ": not translated: " + s.text() + " (" + reason + ")");
  }

  /** A value adjusted or left out: warned about and listed at the end of the output. */
  private void warn(Statement s, String message) {
    warnings.add(s.where() + ": " + message);
    untranslated.add(s.where() + ": " + message);
  }

  private void globals(Statement g) {
    if (g.block() == null) {
      skip(g, "expected global_defs { … }");
      return;
    }
    for (Statement s : g.block()) {
      List<Word> a = s.args();
      switch (s.keyword()) {
        case "router_id" -> {
          if (a.size() == 1 && HOST_NAME.matcher(a.getFirst().text()).matches()) {
            node = a.getFirst().text();
            nodeComment =
                "keepalived router_id ("
                    + s.where()
                    + "); the name looked up in priority-order files";
          } else {
            skip(s, "router_id is not a host name vrrp-agent can use as node");
          }
        }
        case "notification_email" -> {
          List<Statement> to = s.block() != null ? s.block() : List.of();
          for (Statement e : to) {
            for (Word w : e.words()) {
              if (MAIL.matcher(w.text()).matches() && !mailTo.contains(w.text())) {
                mailTo.add(w.text());
              } else {
                skip(e, "not a mail address");
              }
            }
          }
        }
        case "notification_email_from" -> {
          if (a.size() == 1 && MAIL.matcher(a.getFirst().text()).matches()) {
            mailFrom = a.getFirst().text();
          } else {
            skip(s, "not a mail address");
          }
        }
        case "smtp_server" -> {
          if (a.isEmpty()
              || a.size() > 2
              || !HOST_NAME.matcher(a.getFirst().text()).matches()
                  && literal(a.getFirst().text()).isEmpty()) {
            skip(s, "expected smtp_server HOST [PORT]");
          } else if (a.size() == 2) {
            Integer port = integer(a.get(1).text(), 1, 65535);
            if (port == null) {
              skip(s, "port out of range (expected: 1..65535)");
            } else {
              smtpHost = a.getFirst().text();
              smtpPort = port;
            }
          } else {
            smtpHost = a.getFirst().text();
          }
        }
        case "smtp_connect_timeout" -> {
          Long ms = a.size() == 1 ? millis(a.getFirst().text()) : null;
          if (ms == null) {
            skip(s, "expected smtp_connect_timeout SECONDS");
          } else {
            smtpTimeoutMs = Math.clamp(ms, 100L, 300_000L);
            if (smtpTimeoutMs != ms.longValue()) {
              globalComments.add(
                  "smtp_connect_timeout "
                      + a.getFirst().text()
                      + " ("
                      + s.where()
                      + ") clamped to vrrp-agent's range 100ms..5m");
            }
          }
        }
        case "smtp_alert", "smtp_alert_vrrp" -> {
          Boolean b = bool(a);
          if (b == null) {
            skip(s, "expected on|off|true|false|yes|no");
          } else {
            globalSmtpAlert = b;
          }
        }
        case "no_email_faults" -> noEmailFaults = true;
        case "script_user" -> {
          if (a.isEmpty() || a.size() > 2) {
            skip(s, "expected script_user USER [GROUP]");
          } else {
            scriptUser = a.getFirst().text();
            if (a.size() == 2) {
              globalComments.add(
                  "script_user group "
                      + a.get(1).text()
                      + " ("
                      + s.where()
                      + "): vrrp-agent runs scripts with the user's primary and supplementary groups");
            }
          }
        }
        case "enable_script_security" -> scriptSecurity = true;
        case "vrrp_version" -> {
          Integer v = a.size() == 1 ? integer(a.getFirst().text(), 2, 3) : null;
          if (v == null) {
            skip(s, "expected vrrp_version 2 or 3");
          } else {
            defaultVersion = v;
          }
        }
        case "vrrp_priority" -> {
          Integer n = a.size() == 1 ? integer(a.getFirst().text(), -20, 19) : null;
          if (n == null) {
            skip(s, "expected vrrp_priority -20..19");
          } else {
            engineNice = n.toString();
            enginePriorityWhere = s.where();
          }
        }
        case "vrrp_rt_priority" -> {
          Integer n = a.size() == 1 ? integer(a.getFirst().text(), 1, 99) : null;
          if (n == null) {
            skip(s, "expected vrrp_rt_priority 1..99");
          } else {
            engineRealtime = n.toString();
            enginePriorityWhere = s.where();
          }
        }
        case "vrrp_garp_master_delay" -> garpDelayMs = garpMillis(s, HOUR_MS);
        case "vrrp_garp_master_repeat" -> garpRepeat = count(s);
        case "vrrp_garp_master_refresh" -> garpRefreshMs = garpMillis(s, 24 * HOUR_MS);
        case "notify_fifo", "vrrp_notify_fifo" -> {
          if (a.isEmpty() || !a.getFirst().text().startsWith("/")) {
            skip(s, "expected an absolute FIFO path");
          } else if (fifo != null) {
            skip(s, "vrrp-agent writes one FIFO; " + fifo + " is already used");
          } else {
            fifo = a.getFirst().text();
            if (a.size() > 1) {
              globalComments.add(
                  s.keyword()
                      + " user/group ("
                      + s.where()
                      + "): the FIFO is written as the agent's user");
            }
          }
        }
        default -> skip(s, "global setting with no vrrp-agent equivalent");
      }
    }
  }

  private Long garpMillis(Statement s, long maxMs) {
    Long ms = s.args().size() == 1 ? millis(s.args().getFirst().text()) : null;
    if (ms == null || ms > maxMs) {
      skip(s, "expected seconds, at most " + maxMs / 1000);
      return null;
    }
    return ms;
  }

  /** A statement's one argument as a count (see {@link #count(Statement, String)}). */
  private Integer count(Statement s) {
    return count(s, s.args().size() == 1 ? s.args().getFirst().text() : null);
  }

  // ---------------------------------------------------------------- pass 2: the model

  private void build() {
    // Names first: hooks and groups refer to instances by their (possibly renamed) names.
    // Valid names are kept as they are; only the others are renamed, around them.
    for (Statement s : instanceStatements) {
      reserve(s.args().getFirst().text(), usedNames);
    }
    for (Statement s : groupStatements) {
      reserve(s.args().getFirst().text(), usedNames);
    }
    for (Tracked k : trackedKinds) {
      k.definitions().keySet().forEach(n -> reserve(n, usedCheckNames));
    }
    Map<String, String> renamed = new LinkedHashMap<>();
    List<Statement> kept = new ArrayList<>();
    for (Statement s : instanceStatements) {
      String ka = s.args().getFirst().text();
      if (renamed.containsKey(ka)) {
        skip(s, "vrrp_instance " + ka + " defined again");
        continue;
      }
      renamed.put(ka, NAME.matcher(ka).matches() ? ka : unique(ka));
      kept.add(s);
    }
    Map<String, Statement> groupOf = new LinkedHashMap<>();
    for (Statement g : groupStatements) {
      group(g, renamed, groupOf);
    }
    for (Statement s : kept) {
      String ka = s.args().getFirst().text();
      instance(s, renamed.get(ka), groupOf.get(ka));
    }
    // A group whose members did not all translate cannot be written.
    for (Group g : List.copyOf(groups.values())) {
      g.members.removeIf(m -> !instances.containsKey(m));
      if (g.members.size() < 2) {
        groups.remove(g.name);
        for (String m : g.members) {
          instances.get(m).group = null;
          instances
              .get(m)
              .comments
              .add(
                  "keepalived vrrp_sync_group "
                      + g.name
                      + ": fewer than 2 members could be translated, so no sync group is written");
        }
      }
    }
    siblings();
    for (Tracked k : trackedKinds) {
      for (Map.Entry<String, Statement> e : k.definitions().entrySet()) {
        if (!checkByDefinition.containsKey(k.key() + ":" + e.getKey())) {
          skip(e.getValue(), k.untracked());
        }
      }
    }
  }

  private String unique(String wanted) {
    return unique(wanted, usedNames);
  }

  private String uniqueCheck(String wanted) {
    return unique(wanted, usedCheckNames);
  }

  private static String unique(String wanted, Set<String> usedNames) {
    String base = wanted;
    if (!NAME.matcher(base).matches()) {
      base = base.replaceAll("[^A-Za-z0-9_.-]", "_");
      if (base.isEmpty() || !Character.isLetterOrDigit(base.charAt(0)) || base.charAt(0) > 'z') {
        base = "x" + base;
      }
      if (base.length() > 64) {
        base = base.substring(0, 64);
      }
    }
    String name = base;
    for (int i = 2; usedNames.contains(name.toLowerCase(Locale.ROOT)); i++) {
      String suffix = "-" + i;
      name =
          (base.length() + suffix.length() > 64 ? base.substring(0, 64 - suffix.length()) : base)
              + suffix;
    }
    usedNames.add(name.toLowerCase(Locale.ROOT));
    return name;
  }

  private static void reserve(String name, Set<String> used) {
    if (NAME.matcher(name).matches()) {
      used.add(name.toLowerCase(Locale.ROOT));
    }
  }

  private void group(Statement g, Map<String, String> renamed, Map<String, Statement> groupOf) {
    String ka = g.args().getFirst().text();
    Group out = new Group(NAME.matcher(ka).matches() && !groups.containsKey(ka) ? ka : unique(ka));
    if (!out.name.equals(ka)) {
      out.comments.add(
          "keepalived vrrp_sync_group \""
              + YamlText.commentText(ka)
              + "\" renamed (names: letters, digits, _ . -)");
    }
    boolean trackingWeight = false;
    List<Statement> tracking = new ArrayList<>();
    for (Statement s : g.block()) {
      switch (s.keyword()) {
        case "group" -> {
          for (Statement m : s.block() == null ? List.<Statement>of() : s.block()) {
            for (Word w : m.words()) {
              String name = renamed.get(w.text());
              if (name == null) {
                skip(m, "vrrp_sync_group " + ka + ": no vrrp_instance " + w.text());
              } else if (groupOf.containsKey(w.text())) {
                skip(
                    m,
                    "vrrp_instance "
                        + w.text()
                        + " is already in vrrp_sync_group "
                        + groupOf.get(w.text()).args().getFirst().text());
              } else {
                out.members.add(name);
                groupOf.put(w.text(), g);
              }
            }
          }
        }
        case "notify", "notify_master", "notify_backup", "notify_fault", "notify_stop" ->
            hook(s, out.name);
        case "smtp_alert" -> {
          if (!Boolean.FALSE.equals(bool(s.args()))) {
            mailingInstances.add(out.name);
          }
        }
        case "sync_group_tracking_weight" -> trackingWeight = true;
        case "track_script", "track_interface", "track_file", "track_process" -> tracking.add(s);
        case "global_tracking" ->
            skip(s, "deprecated in keepalived; tracking on the members is kept as written");
        default -> skip(s, "vrrp_sync_group setting with no vrrp-agent equivalent");
      }
    }
    groups.put(out.name, out);
    // Group tracking applies to every member (keepalived: "update the status/priority of all VRRP
    // instances").
    groupTracking.put(out.name, tracking);
    groupKeepsWeights.put(out.name, trackingWeight);
  }

  private final Map<String, List<Statement>> groupTracking = new LinkedHashMap<>();
  private final Map<String, Boolean> groupKeepsWeights = new LinkedHashMap<>();

  private void instance(Statement s, String name, Statement groupStatement) {
    String ka = s.args().getFirst().text();
    Instance in = new Instance(ka, name, s);
    in.comments.add(
        "keepalived vrrp_instance "
            + YamlText.commentText(ka)
            + " ("
            + s.where()
            + ")"
            + (name.equals(ka) ? "" : ", renamed " + name + " (names: letters, digits, _ . -)"));
    Integer vrid = null;
    Integer version = null;
    Statement versionAt = null;
    Statement vips = null;
    Statement excluded = null;
    List<Statement> tracking = new ArrayList<>();
    String advert = null;
    Statement advertAt = null;
    Statement auth = null;
    boolean stateMaster = false;
    for (Statement k : s.block()) {
      List<Word> a = k.args();
      String one = a.size() == 1 ? a.getFirst().text() : null;
      switch (k.keyword()) {
        case "state" -> {
          if ("MASTER".equalsIgnoreCase(one)) {
            stateMaster = true;
            in.comments.add(
                "keepalived: state MASTER ("
                    + k.where()
                    + "): vrrp-agent starts in BACKUP and the election decides (an owner, priority 255, starts as MASTER)");
          } else if (!"BACKUP".equalsIgnoreCase(one)) {
            skip(k, "expected state MASTER or BACKUP");
          }
        }
        case "interface" -> {
          if (one != null && INTERFACE.matcher(one).matches()) {
            in.iface = one;
          } else {
            skip(k, "not an interface name (expected: 1..15 characters, no / or :)");
          }
        }
        case "virtual_router_id" -> {
          vrid = one == null ? null : integer(one, 1, 255);
          if (vrid == null) {
            skip(k, "expected virtual_router_id 1..255");
          }
        }
        case "priority" -> {
          Integer p = one == null ? null : integer(one, 1, 255);
          if (p == null) {
            skip(
                k, "expected priority 1..255; vrrp-agent's default 100 (keepalived's too) is used");
          } else {
            in.priority = p;
          }
        }
        case "advert_int" -> {
          advert = one;
          advertAt = k;
        }
        case "version" -> {
          version = one == null ? null : integer(one, 2, 3);
          versionAt = k;
          if (version == null) {
            skip(k, "expected version 2 or 3");
          }
        }
        case "nopreempt", "no_preempt" -> in.preempt = false;
        case "preempt" -> in.preempt = true;
        case "preempt_delay" -> {
          Long ms = one == null ? null : millis(one);
          if (ms == null || ms > 1_000_000) {
            skip(k, "expected preempt_delay SECONDS (0..1000)");
          } else {
            in.preemptDelayMs = Math.min(ms, HOUR_MS);
            if (ms > HOUR_MS) {
              in.comments.add(
                  "keepalived: "
                      + k.text()
                      + " ("
                      + k.where()
                      + ") clamped to vrrp-agent's limit 1h");
            }
          }
        }
        case "unicast_src_ip", "mcast_src_ip" -> {
          Optional<InetAddress> ip = one == null ? Optional.empty() : literal(one);
          if (ip.isEmpty() || !unicast(ip.get())) {
            skip(k, "not a unicast IP address");
          } else {
            in.source = format(ip.get());
          }
        }
        case "unicast_peer" -> peers(in, k);
        case "authentication" -> auth = k;
        case "virtual_ipaddress" -> vips = k;
        case "virtual_ipaddress_excluded" -> excluded = k;
        case "garp_master_delay" -> in.garpDelayMs = garpMillis(k, HOUR_MS);
        case "garp_master_repeat" -> in.garpRepeat = count(k);
        case "garp_master_refresh" -> in.garpRefreshMs = garpMillis(k, 24 * HOUR_MS);
        case "track_script", "track_interface", "track_file", "track_process" -> tracking.add(k);
        case "notify", "notify_master", "notify_backup", "notify_fault", "notify_stop" ->
            hook(k, name);
        case "smtp_alert" -> {
          Boolean b = bool(a);
          if (b == null) {
            skip(k, "expected smtp_alert [on|off|true|false|yes|no]");
          } else if (b) {
            mailingInstances.add(name);
          } else {
            mailingInstances.remove(name);
            noMailInstances.add(name);
          }
        }
        case "use_vmac" -> {
          in.virtualMac = true;
          if (!a.isEmpty()) {
            in.comments.add(
                "keepalived: "
                    + k.text()
                    + " ("
                    + k.where()
                    + "): vrrp-agent names its macvlan vrrp.VRID and uses the RFC MAC; the name and MAC given are not used");
          }
        }
        case "dont_track_primary" -> skip(k, "vrrp-agent always tracks the instance's interface");
        default -> skip(k, "vrrp_instance setting with no vrrp-agent equivalent");
      }
    }
    if (in.iface == null || vrid == null || vips == null) {
      String missing =
          in.iface == null ? "interface" : vrid == null ? "virtual_router_id" : "virtual_ipaddress";
      skip(
          s,
          "vrrp_instance " + ka + " has no usable " + missing + "; the instance is not translated");
      return;
    }
    in.vrid = vrid;
    addresses(in, vips);
    if (in.addresses.isEmpty()) {
      skip(
          s,
          "vrrp_instance " + ka + " has no usable virtual address; the instance is not translated");
      return;
    }
    String key = vridKey(in.iface, in.ipv6, vrid);
    if (vrids.containsKey(key)) {
      skip(
          s,
          "VRID "
              + vrid
              + " on "
              + in.iface
              + " ("
              + (in.ipv6 ? "IPv6" : "IPv4")
              + ") is already used by "
              + vrids.get(key)
              + "; vrrp-agent needs one VRID per interface and address family; the instance is not translated");
      return;
    }
    vrids.put(key, name);
    // The version: IPv6 instances always run VRRPv3 in keepalived; IPv4 ones its default, 2.
    if (in.ipv6) {
      in.version = 3;
      if (version == null) {
        in.comments.add(
            "keepalived runs an IPv6 instance as VRRPv3 whatever its default; version: 3 is written out");
      } else if (version == 2) {
        in.comments.add(
            "keepalived: version 2 ("
                + versionAt.where()
                + ") on an IPv6 instance: keepalived runs VRRPv3");
      }
    } else if (version != null) {
      in.version = version;
    } else if (defaultVersion != null) {
      in.version = defaultVersion;
      in.comments.add("version from keepalived's global vrrp_version");
    } else {
      in.version = 2;
      in.comments.add(
          "keepalived: no version given, so keepalived speaks VRRPv2 (its default); vrrp-agent's default is 3, so");
      in.comments.add(
          "version: 2 is written out: two routers that speak different versions drop each other's adverts");
      in.comments.add("and both hold the address. Change it on both hosts together, never on one.");
    }
    if (stateMaster && !in.preempt) {
      in.comments.add(
          "keepalived: nopreempt with state MASTER: keepalived ignores nopreempt then; preempt: false is written as asked");
    }
    advert(in, advert, advertAt);
    if (auth != null) {
      auth(in, auth);
    }
    if (excluded != null) {
      excluded(in, excluded);
    }
    Long gd = in.garpDelayMs != null ? in.garpDelayMs : garpDelayMs;
    Integer gr = in.garpRepeat != null ? in.garpRepeat : garpRepeat;
    Long gf = in.garpRefreshMs != null ? in.garpRefreshMs : garpRefreshMs;
    in.garpDelayMs = gd;
    in.garpRepeat = gr;
    in.garpRefreshMs = gf;
    if (groupStatement != null) {
      in.group =
          groups.keySet().stream()
              .filter(g -> groups.get(g).members.contains(name))
              .findFirst()
              .orElse(null);
    }
    boolean zeroWeights = in.group != null && !groupKeepsWeights.getOrDefault(in.group, false);
    for (Statement t : tracking) {
      track(in, t, zeroWeights, null);
    }
    if (in.group != null) {
      for (Statement t : groupTracking.getOrDefault(in.group, List.of())) {
        track(in, t, false, in.group);
      }
    }
    if (zeroWeights && tracking.stream().anyMatch(t -> !t.keyword().equals("track_process"))) {
      in.comments.add(
          "in sync group "
              + in.group
              + " without sync_group_tracking_weight, keepalived ignores this instance's"
              + " weighted track_script and track_file entries and a tracked interface's weight; written as keepalived runs them");
    }
    rankPattern(in);
    instances.put(name, in);
  }

  private final Set<String> noMailInstances = new HashSet<>();
  private final Map<String, String> vrids = new LinkedHashMap<>();

  private static String vridKey(String iface, boolean ipv6, int vrid) {
    return iface + "/" + (ipv6 ? 6 : 4) + "/" + vrid;
  }

  private void advert(Instance in, String text, Statement at) {
    if (text == null) {
      in.advertMs = 1000;
      return;
    }
    Long ms = millis(text);
    if (ms != null && (ms < 10 || ms > 255_000)) {
      skip(
          at,
          "outside keepalived's range 0.01..255: keepalived ignores it and uses 1s, as written here");
      ms = null;
      in.advertMs = 1000;
      return;
    }
    if (ms == null) {
      skip(at, "expected advert_int SECONDS; 1s (keepalived's default) is used");
      in.advertMs = 1000;
      return;
    }
    long v;
    if (in.version == 2) {
      v = Math.clamp(Math.round(ms / 1000.0) * 1000, 1000, 255_000);
      if (v != ms) {
        in.comments.add(
            "keepalived: advert_int "
                + text
                + " ("
                + at.where()
                + "): VRRPv2 carries whole seconds, 1..255; "
                + v / 1000
                + "s is written");
      }
    } else {
      v = Math.clamp(Math.round(ms / 10.0) * 10, 10, 40_950);
      if (v != ms) {
        in.comments.add(
            "keepalived: advert_int "
                + text
                + " ("
                + at.where()
                + "): VRRPv3 carries centiseconds, 10ms..40950ms; "
                + v
                + "ms is written");
      }
    }
    in.advertMs = v;
  }

  private void auth(Instance in, Statement k) {
    String type = null;
    String pass = null;
    for (Statement a : k.block() == null ? List.<Statement>of() : k.block()) {
      String one = a.args().size() == 1 ? a.args().getFirst().text() : null;
      switch (a.keyword()) {
        case "auth_type" -> type = one;
        case "auth_pass" -> pass = one;
        default -> skip(a, "authentication setting with no vrrp-agent equivalent");
      }
    }
    if (in.version == 3) {
      skip(k, "VRRPv3 has no authentication; keepalived ignores it for a version 3 instance");
      return;
    }
    if (!"PASS".equalsIgnoreCase(type) || pass == null || pass.isEmpty()) {
      skip(
          k,
          "only auth_type PASS with an auth_pass can be translated (AH is not supported); "
              + "a peer expecting AH will not accept this router's adverts");
      return;
    }
    byte[] bytes = pass.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (bytes.length > 8) {
      // keepalived uses the first 8 bytes; we refuse longer passwords, so write what keepalived
      // sends.
      String cut = new String(bytes, 0, 8, java.nio.charset.StandardCharsets.UTF_8);
      while (cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 8) {
        cut = cut.substring(0, cut.length() - 1);
      }
      in.comments.add(
          "keepalived: auth_pass ("
              + k.where()
              + ") is longer than 8 bytes; keepalived sends only its first 8,"
              + " which are written here");
      pass = cut;
    }
    in.authPassword = pass;
  }

  private void peers(Instance in, Statement k) {
    for (Statement p : k.block() == null ? List.<Statement>of() : k.block()) {
      Optional<InetAddress> ip = literal(p.keyword());
      if (ip.isEmpty() || !unicast(ip.get())) {
        skip(p, "unicast_peer: not a unicast IP address");
        continue;
      }
      String text = format(ip.get());
      int[] ttl = peerTtl(p);
      if (ttl == null) {
        continue;
      }
      if (!in.peers.contains(text)) {
        in.peers.add(text);
      }
      if (ttl[0] != 255 || ttl[1] != 255) {
        in.peerTtl.put(text, ttl);
      }
    }
  }

  /**
   * {@code ADDR [min_ttl N] [max_ttl N]}: keepalived checks the TTL only when one is given, then
   * with 0 and 255 for the one left out; without either it checks none, and vrrp-agent requires 255
   * (the RFC's rule; a peer across routers needs min-ttl). Null (skipped, with the reason) when the
   * options are not that.
   */
  private int[] peerTtl(Statement p) {
    List<KeepalivedParser.Word> w = p.words();
    if (w.size() == 1) {
      return new int[] {255, 255};
    }
    int min = 0;
    int max = 255;
    for (int i = 1; i < w.size(); i += 2) {
      String option = w.get(i).text();
      if (!(option.equals("min_ttl") || option.equals("max_ttl"))
          || i + 1 >= w.size()
          || !w.get(i + 1).text().matches("[0-9]{1,3}")
          || Integer.parseInt(w.get(i + 1).text()) > 255) {
        skip(
            p,
            "unicast_peer: expected ADDR [min_ttl 0..255] [max_ttl 0..255]; the peer is left out");
        return null;
      }
      int v = Integer.parseInt(w.get(i + 1).text());
      if (option.equals("min_ttl")) {
        min = v;
      } else {
        max = v;
      }
    }
    if (max < min) {
      skip(
          p,
          "unicast_peer: max_ttl below min_ttl (keepalived drops every advert); the peer is left out");
      return null;
    }
    return new int[] {min, max};
  }

  private void addresses(Instance in, Statement vips) {
    Boolean ipv6 = null;
    for (Statement v : vips.block() == null ? List.<Statement>of() : vips.block()) {
      Vip vip = vip(v);
      if (vip == null) {
        continue;
      }
      if (ipv6 == null) {
        ipv6 = vip.ipv6;
        in.ipv6 = vip.ipv6;
      }
      if (vip.ipv6 != ipv6) {
        String line =
            "keepalived ignores "
                + vip.text
                + " ("
                + v.where()
                + "): its family differs from the instance's first"
                + " address (keepalived: \"address family must match VRRP instance - ignoring\"), so it is not added here";
        in.comments.add(line);
        warn(
            v,
            "not translated: "
                + vip.text
                + ": keepalived ignores an address whose family differs from its instance's");
        continue;
      }
      if (vip.dev != null && !vip.dev.equals(in.iface)) {
        skip(
            v,
            "address on another interface (dev "
                + vip.dev
                + "): vrrp-agent adds addresses on the instance's interface only");
        continue;
      }
      if (in.addresses.size() >= 255) {
        skip(v, "more than 255 addresses in one instance (vrrp-agent's limit)");
        continue;
      }
      String bare = vip.text.substring(0, vip.text.indexOf('/'));
      if (in.addresses.stream().anyMatch(x -> x.startsWith(bare + "/"))) {
        skip(v, "address " + bare + " listed twice; the first is kept");
        continue;
      }
      in.addresses.add(vip.text);
      if (vip.ignored != null) {
        in.comments.add(
            "keepalived: "
                + v.text()
                + " ("
                + v.where()
                + "): "
                + vip.ignored
                + " not set by vrrp-agent; the address is kept");
        warn(v, "address options not translated: " + vip.ignored);
      }
    }
  }

  private record Vip(String text, boolean ipv6, String dev, String ignored) {}

  /**
   * One virtual_ipaddress line: ADDRESS[/PREFIX] [dev IF] [label L] [brd …] …, or null when
   * unusable (reported).
   */
  private Vip vip(Statement v) {
    String first = v.keyword();
    int slash = first.indexOf('/');
    String ip = slash < 0 ? first : first.substring(0, slash);
    Optional<InetAddress> addr = literal(ip);
    if (addr.isEmpty()) {
      skip(v, "not an IP address");
      return null;
    }
    boolean ipv6 = !(addr.get() instanceof Inet4Address);
    int max = ipv6 ? 128 : 32;
    Integer prefix = slash < 0 ? Integer.valueOf(max) : integer(first.substring(slash + 1), 0, max);
    if (prefix == null) {
      skip(v, "prefix length out of range (expected: 0.." + max + ")");
      return null;
    }
    InetAddress a = addr.get();
    if (!unicast(a) || a.isLinkLocalAddress()) {
      skip(v, "not a unicast address vrrp-agent can hold");
      return null;
    }
    String dev = null;
    List<String> ignored = new ArrayList<>();
    List<Word> rest = v.args();
    for (int i = 0; i < rest.size(); i++) {
      String w = rest.get(i).text();
      boolean hasValue =
          Set.of(
                  "dev",
                  "label",
                  "brd",
                  "broadcast",
                  "scope",
                  "peer",
                  "preferred_lft",
                  "track_group")
              .contains(w);
      String value = hasValue && i + 1 < rest.size() ? rest.get(++i).text() : null;
      if (w.equals("dev") && value != null) {
        dev = value;
      } else {
        ignored.add(value == null ? w : w + " " + value);
      }
    }
    return new Vip(
        format(a) + "/" + prefix, ipv6, dev, ignored.isEmpty() ? null : String.join(", ", ignored));
  }

  /**
   * Excluded addresses: not in the adverts. Another family becomes a sibling instance; the same
   * family cannot be held safely.
   */
  private final Map<String, List<String>> siblingAddresses = new LinkedHashMap<>();

  private final Map<String, Statement> siblingAt = new LinkedHashMap<>();

  private void excluded(Instance in, Statement k) {
    for (Statement v : k.block() == null ? List.<Statement>of() : k.block()) {
      Vip vip = vip(v);
      if (vip == null) {
        continue;
      }
      if (vip.dev != null && !vip.dev.equals(in.iface)) {
        skip(v, "excluded address on another interface (dev " + vip.dev + "): not translated");
        continue;
      }
      if (vip.ipv6 == in.ipv6) {
        skip(
            v,
            "virtual_ipaddress_excluded of the instance's own family: vrrp-agent advertises every address it holds,"
                + " and a VRRPv2 keepalived peer would drop adverts whose address list differs; add it to addresses once"
                + " both hosts run vrrp-agent");
        continue;
      }
      List<String> sib = siblingAddresses.computeIfAbsent(in.name, x -> new ArrayList<>());
      String bare = vip.text.substring(0, vip.text.indexOf('/'));
      if (sib.stream().anyMatch(x -> x.startsWith(bare + "/"))) {
        skip(v, "address " + bare + " listed twice; the first is kept");
        continue;
      }
      sib.add(vip.text);
      siblingAt.putIfAbsent(in.name, k);
    }
  }

  /**
   * The other family's excluded addresses: a VRRPv3 instance of their own with the same VRID, in
   * one sync group with the original, so it is MASTER exactly when the original is (a member takes
   * over only when every member would: while the original hears keepalived's master, the sibling
   * waits).
   */
  private void siblings() {
    for (Map.Entry<String, List<String>> e : siblingAddresses.entrySet()) {
      Instance in = instances.get(e.getKey());
      if (in == null) {
        continue;
      }
      Statement at = siblingAt.get(e.getKey());
      String key = vridKey(in.iface, !in.ipv6, in.vrid);
      if (vrids.containsKey(key)) {
        skip(
            at,
            "the excluded addresses of the other family would need an instance with VRID "
                + in.vrid
                + " on "
                + in.iface
                + ", which "
                + vrids.get(key)
                + " already uses; not translated");
        continue;
      }
      Instance sib = new Instance(in.kaName, unique(in.name + (in.ipv6 ? "-v4" : "-v6")), at);
      sib.comments.add(
          "keepalived virtual_ipaddress_excluded of vrrp_instance "
              + YamlText.commentText(in.kaName)
              + " ("
              + at.where()
              + "): another address family, so an instance of its own (VRRPv3, same VRID) kept in one sync group");
      sib.comments.add(
          "with "
              + in.name
              + ": it takes over only together with "
              + in.name
              + ", as keepalived holds these addresses");
      vrids.put(key, sib.name);
      sib.iface = in.iface;
      sib.vrid = in.vrid;
      sib.version = 3;
      sib.priority = in.priority;
      sib.advertMs = in.advertMs;
      sib.preempt = in.preempt;
      sib.preemptDelayMs = in.preemptDelayMs;
      sib.ipv6 = !in.ipv6;
      sib.addresses.addAll(e.getValue().stream().limit(255).toList());
      sib.garpDelayMs = in.garpDelayMs;
      sib.garpRepeat = in.garpRepeat;
      sib.garpRefreshMs = in.garpRefreshMs;
      sib.tracks.addAll(in.tracks);
      if (in.group != null) {
        groups.get(in.group).members.add(sib.name);
        sib.group = in.group;
      } else {
        Group g = new Group(unique(in.name + "-both"));
        g.members.add(in.name);
        g.members.add(sib.name);
        g.comments.add(
            "keeps " + in.name + " and its excluded addresses (" + sib.name + ") on one host");
        groups.put(g.name, g);
        in.group = g.name;
        sib.group = g.name;
      }
      // Hooks naming the original name the sibling too.
      for (int i = 0; i < hooks.size(); i++) {
        Hook h = hooks.get(i);
        if (h.targets().contains(in.name)) {
          List<String> t = new ArrayList<>(h.targets());
          t.add(sib.name);
          hooks.set(i, new Hook(h.exec(), h.on(), t, h.comment()));
        }
      }
      instances.put(sib.name, sib);
    }
  }

  // ---------------------------------------------------------------- tracking

  private void track(Instance in, Statement block, boolean zeroWeights, String fromGroup) {
    String kind = block.keyword();
    Tracked tracked =
        trackedKinds.stream().filter(k -> k.track().equals(kind)).findFirst().orElse(null);
    for (Statement t : block.block() == null ? List.<Statement>of() : block.block()) {
      String ref = t.keyword();
      Integer weight = null;
      Boolean reverse = null;
      List<Word> a = t.args();
      boolean bad = false;
      for (int i = 0; i < a.size(); i++) {
        String w = a.get(i).text();
        if (w.equals("weight") && i + 1 < a.size()) {
          weight = integer(a.get(++i).text(), -254, 254);
          bad |= weight == null;
        } else if (w.equals("reverse")) {
          reverse = true;
        } else if (w.equals("noreverse") || w.equals("no_reverse")) {
          reverse = false;
        } else {
          bad = true;
        }
      }
      if (bad) {
        skip(t, kind + " entry: expected NAME [weight -254..254] [reverse|noreverse]");
        continue;
      }
      if (in.priority == 255 && fromGroup == null) {
        Statement def = tracked == null ? null : tracked.definitions().get(ref);
        int effective =
            weight != null
                ? weight
                : def == null ? 0 : definedWeight(def, tracked.defaultWeight())[0];
        if (effective != 0) {
          skip(
              t,
              "keepalived ignores a weighted "
                  + kind
                  + " entry of an address owner (priority 255), whose priority"
                  + " never changes (\"ignoring tracked … due to address owner\"); not tracked");
          continue;
        }
      }
      String check;
      int defaultWeight;
      boolean defaultReverse;
      if (tracked != null) {
        Statement def = tracked.definitions().get(ref);
        if (def == null) {
          skip(t, "no " + tracked.definedBy() + " " + ref + " (keepalived ignores it)");
          continue;
        }
        if (zeroWeights
            && tracked.syncGroupLog() != null
            && (weight != null ? weight : definedWeight(def, tracked.defaultWeight())[0]) != 0) {
          skip(
              t,
              "keepalived ignores a tracked "
                  + tracked.key()
                  + " with a weight in a member of a sync group without"
                  + " sync_group_tracking_weight (\""
                  + tracked.syncGroupLog().formatted(ref)
                  + "\"); not tracked");
          continue;
        }
        check =
            definitionCheck(tracked.key() + ":" + ref, () -> tracked.translate().apply(ref, def));
        if (check == null) {
          continue;
        }
        int[] w = definedWeight(def, tracked.defaultWeight());
        defaultWeight = w[0];
        defaultReverse = w[1] == 1;
      } else {
        if (!INTERFACE.matcher(ref).matches()) {
          skip(t, "not an interface name");
          continue;
        }
        check = definitionCheck("interface:" + ref, () -> interfaceCheck(ref, t));
        defaultWeight = 0;
        defaultReverse = false;
      }
      int w = weight != null ? weight : defaultWeight;
      boolean r = reverse != null ? reverse : defaultReverse;
      List<String> notes = new ArrayList<>();
      if (fromGroup != null) {
        notes.add("from vrrp_sync_group " + fromGroup + " " + t.where());
      }
      if (zeroWeights && w != 0 && kind.equals("track_interface")) {
        notes.add(
            "weight "
                + w
                + " written as 0: keepalived ignores a tracked interface's weight in a sync group");
        w = 0;
      }
      if (w > 253 || w < -253) {
        notes.add("keepalived weight " + w + " clamped to vrrp-agent's -253..253");
        w = Math.clamp(w, -253, 253);
      }
      if (in.tracks.stream().anyMatch(x -> x.check.equals(check))) {
        skip(t, "check " + check + " is already tracked by this instance");
        continue;
      }
      in.tracks.add(new Track(check, w, r, notes.isEmpty() ? null : String.join("; ", notes)));
    }
  }

  /** A definition's {@code weight W [reverse]}: {weight, reverse?1:0}. */
  private int[] definedWeight(Statement def, int dflt) {
    int[] out = {dflt, 0};
    for (Statement s : def.block()) {
      if (s.keyword().equals("weight")) {
        List<Word> a = s.args();
        Integer w = a.isEmpty() ? null : integer(a.getFirst().text(), -254, 254);
        if (w != null) {
          out[0] = w;
          out[1] = a.size() > 1 && a.get(1).text().equals("reverse") ? 1 : 0;
        }
      }
    }
    return out;
  }

  /** The check each definition became ("script:NAME", …), null where it was not translated. */
  private final Map<String, String> checkByDefinition = new LinkedHashMap<>();

  /**
   * The check a definition becomes, translated once: whoever tracks it again gets the same check
   * (or, if it could not be translated, null again without a second warning).
   */
  private String definitionCheck(String key, Supplier<Check> translate) {
    if (checkByDefinition.containsKey(key)) {
      return checkByDefinition.get(key);
    }
    Check c = translate.get();
    if (c != null) {
      checks.put(c.name, c);
    }
    checkByDefinition.put(key, c == null ? null : c.name);
    return c == null ? null : c.name;
  }

  /**
   * A definition's own name when valid and not yet taken by another kind of definition; otherwise a
   * new one.
   */
  private String checkName(String ref) {
    if (NAME.matcher(ref).matches() && !checks.containsKey(ref)) {
      return ref;
    }
    return uniqueCheck(ref);
  }

  private Check scriptCheck(String ref, Statement def) {
    Check c = new Check(checkName(ref));
    String script = null;
    Statement scriptAt = null;
    Long intervalMs = null;
    Long timeoutMs = null;
    Integer rise = null;
    Integer fall = null;
    String user = null;
    boolean initFail = false;
    for (Statement s : def.block()) {
      List<Word> a = s.args();
      String one = a.size() == 1 ? a.getFirst().text() : null;
      switch (s.keyword()) {
        case "script" -> {
          if (a.isEmpty()) {
            skip(s, "script without a command");
          } else {
            script = String.join(" ", a.stream().map(Word::text).toList());
            scriptAt = s;
          }
        }
        case "interval" -> intervalMs = seconds(s, one, 10, HOUR_MS);
        case "timeout" -> timeoutMs = seconds(s, one, 1, HOUR_MS);
        case "rise" -> rise = count(s, one);
        case "fall" -> fall = count(s, one);
        case "weight" -> {}
        case "user" -> {
          if (a.isEmpty() || a.size() > 2) {
            skip(s, "expected user USER [GROUP]");
          } else {
            user = a.getFirst().text();
            if (a.size() == 2) {
              c.comments.add(
                  "keepalived: "
                      + s.text()
                      + " ("
                      + s.where()
                      + "): the script runs with the user's primary and supplementary groups");
            }
          }
        }
        case "init_fail" -> initFail = true;
        default -> skip(s, "vrrp_script setting with no vrrp-agent equivalent");
      }
    }
    if (script == null) {
      skip(def, "vrrp_script " + ref + " has no script; not translated");
      return null;
    }
    List<String> argv = ScriptChecks.split(script);
    if (argv.isEmpty() || argv.size() > 256) {
      skip(scriptAt, "a script of " + argv.size() + " words (expected: 1..256)");
      return null;
    }
    c.comments.addFirst(
        "keepalived vrrp_script "
            + YamlText.commentText(ref)
            + " ("
            + def.where()
            + "): script "
            + YamlText.commentText(quoted(script)));
    Optional<ScriptChecks.Native> nat = ScriptChecks.recognise(argv);
    if (nat.isPresent()) {
      c.comments.add("a native check instead of the fork: " + nat.get().note());
      c.lines.add(nat.get().yaml());
      if (user != null) {
        c.comments.add("keepalived ran it as " + user + "; a native probe needs no user");
      }
    } else {
      List<String> exec = new ArrayList<>(argv);
      if (!exec.getFirst().startsWith("/")) {
        exec.addFirst("/usr/bin/env");
        c.comments.add(
            "keepalived finds "
                + argv.getFirst()
                + " on its PATH; vrrp-agent runs a program by absolute path,"
                + " so /usr/bin/env looks it up");
      }
      String u = user != null ? user : scriptUser;
      StringBuilder y = new StringBuilder("script: { exec: ").append(YamlText.list(exec));
      if (u != null && NAME.matcher(u).matches()) {
        y.append(", user: ").append(YamlText.scalar(u));
      } else if (u != null) {
        c.comments.add(
            "keepalived user "
                + YamlText.commentText(u)
                + " is not a user name vrrp-agent accepts; runs as the agent's user");
      }
      c.lines.add(y.append(" }").toString());
      if (!Set.of("sh", "bash", "dash", "zsh", "ksh")
              .contains(argv.getFirst().replaceFirst(".*/", ""))
          && argv.stream().anyMatch(x -> x.matches("[|&;<>`$].*|.*[|&;]"))) {
        c.comments.add(
            "keepalived runs scripts without a shell, as vrrp-agent does: | ; & $ are passed as arguments");
      }
    }
    long interval = intervalMs != null ? intervalMs : 1000;
    c.lines.add("interval: " + duration(interval));
    if (timeoutMs != null) {
      if (timeoutMs > interval) {
        c.lines.add(
            "timeout: "
                + duration(interval)
                + "   # keepalived: timeout "
                + duration(timeoutMs)
                + "; a vrrp-agent check may not outlast its interval");
      } else {
        c.lines.add("timeout: " + duration(timeoutMs));
      }
    }
    if (rise != null) {
      c.lines.add("rise: " + rise);
    }
    if (fall != null) {
      c.lines.add("fall: " + fall);
    }
    if (initFail) {
      c.lines.add("initial: down   # keepalived init_fail");
    } else {
      c.lines.add(
          "initial: up     # keepalived starts a script as up; vrrp-agent's default is down (no init_fail here)");
    }
    return c;
  }

  private Check processCheck(String ref, Statement def) {
    Check c = new Check(checkName(ref));
    c.comments.add(
        "keepalived vrrp_track_process " + YamlText.commentText(ref) + " (" + def.where() + ")");
    List<String> process = null;
    boolean full = false;
    String paramMatch = null;
    Integer quorum = null;
    for (Statement s : def.block()) {
      List<Word> a = s.args();
      switch (s.keyword()) {
        case "process" -> process = a.isEmpty() ? null : a.stream().map(Word::text).toList();
        case "full_command" -> full = true;
        case "param_match" -> paramMatch = a.isEmpty() ? null : a.getFirst().text();
        case "quorum" -> {
          quorum = a.size() == 1 ? integer(a.getFirst().text(), 1, 10000) : null;
          if (quorum == null) {
            skip(s, "expected quorum 1..10000");
          }
        }
        case "weight" -> {}
        case "quorum_max" -> skip(s, "vrrp-agent's process check has no maximum count");
        case "delay", "fork_delay", "terminate_delay" ->
            skip(s, "the process check is polled every second; use rise/fall for a delay");
        default -> skip(s, "vrrp_track_process setting with no vrrp-agent equivalent");
      }
    }
    if (process == null) {
      skip(def, "vrrp_track_process " + ref + " has no process; not translated");
      return null;
    }
    String name = process.getFirst();
    if (process.size() == 1 && !full && !name.contains("/")) {
      if (name.length() > 15) {
        c.comments.add(
            "the kernel keeps 15 characters of a process name: "
                + YamlText.commentText(name)
                + " is matched as "
                + name.substring(0, 15));
        name = name.substring(0, 15);
      }
      c.lines.add(
          "process: { name: "
              + YamlText.scalar(name)
              + (quorum != null ? ", min-count: " + quorum : "")
              + " }");
    } else {
      StringBuilder regex = new StringBuilder("^");
      for (int i = 0; i < process.size(); i++) {
        if (i > 0) {
          regex.append(' ');
        }
        regex.append(regexQuote(process.get(i)));
      }
      boolean open = "initial".equals(paramMatch) || "partial".equals(paramMatch);
      regex.append(open ? "" : process.size() == 1 ? "( |$)" : "$");
      c.comments.add(
          "matched against the whole command line (/proc/PID/cmdline, arguments joined by spaces)");
      c.lines.add(
          "process: { cmdline: "
              + YamlText.scalar(regex.toString())
              + (quorum != null ? ", min-count: " + quorum : "")
              + " }");
    }
    c.lines.add(
        "interval: 1s   # keepalived hears process events at once; vrrp-agent reads /proc every interval");
    return c;
  }

  private static String regexQuote(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      if ("\\^$.|?*+()[]{}".indexOf(ch) >= 0) {
        b.append('\\');
      }
      b.append(ch);
    }
    return b.toString();
  }

  private Check fileCheck(String ref, Statement def) {
    Check c = new Check(checkName(ref));
    c.comments.add(
        "keepalived " + def.keyword() + " " + YamlText.commentText(ref) + " (" + def.where() + ")");
    String file = null;
    for (Statement s : def.block()) {
      List<Word> a = s.args();
      switch (s.keyword()) {
        case "file" -> file = a.size() == 1 ? a.getFirst().text() : null;
        case "weight" -> {}
        case "init_file" ->
            skip(s, "vrrp-agent does not create the file; a missing file reads as 0");
        default -> skip(s, def.keyword() + " setting with no vrrp-agent equivalent");
      }
    }
    if (file == null || !file.startsWith("/") || file.contains("\n")) {
      skip(def, def.keyword() + " " + ref + " has no absolute file path; not translated");
      return null;
    }
    c.lines.add("file: { path: " + YamlText.scalar(file) + " }");
    return c;
  }

  private Check interfaceCheck(String iface, Statement at) {
    Check c = new Check(uniqueCheck(iface + "_up"));
    c.comments.add(
        "keepalived track_interface " + YamlText.commentText(iface) + " (" + at.where() + ")");
    c.lines.add("interface: { name: " + YamlText.scalar(iface) + " }");
    return c;
  }

  /**
   * The "rank-check" pattern: N ≥ 2 tracked scripts that run one command differing only in one
   * integer argument, with distinct positive weights, of which one succeeds per host. It is kept as
   * written (it is what keepalived computes, so a mixed pair agrees); the comment says how to
   * express it with a priority-order file once both hosts run vrrp-agent.
   */
  private void rankPattern(Instance in) {
    List<Track> candidates = new ArrayList<>();
    List<List<String>> argvs = new ArrayList<>();
    for (Track t : in.tracks) {
      Check c = checks.get(t.check);
      if (c == null
          || t.weight <= 0
          || t.reverse
          || c.lines.isEmpty()
          || !c.lines.getFirst().startsWith("script:")) {
        continue;
      }
      candidates.add(t);
      argvs.add(List.of(c.lines.getFirst()));
    }
    if (candidates.size() < 2) {
      return;
    }
    // Same command except one integer word: compare the exec lines word by word.
    List<String[]> words = argvs.stream().map(l -> l.getFirst().split("[\\[\\], ]+")).toList();
    int len = words.getFirst().length;
    if (words.stream().anyMatch(w -> w.length != len)) {
      return;
    }
    int differing = -1;
    for (int i = 0; i < len; i++) {
      final int k = i;
      if (words.stream().map(w -> w[k]).distinct().count() > 1) {
        if (differing >= 0) {
          return;
        }
        differing = i;
      }
    }
    final int d = differing;
    if (d < 0 || words.stream().anyMatch(w -> !w[d].replace("\"", "").matches("[0-9]{1,3}"))) {
      return;
    }
    TreeSet<Integer> weights = new TreeSet<>(candidates.stream().map(t -> t.weight).toList());
    if (weights.size() != candidates.size()) {
      return;
    }
    List<String> ranks = new ArrayList<>();
    for (int w : weights.descendingSet()) {
      ranks.add(String.valueOf(Math.clamp(in.priority + w, 1, 254)));
    }
    in.comments.add(
        "rank scripts: "
            + candidates.stream().map(t -> t.check).toList()
            + " run one command that differs in one"
            + " number, with weights "
            + weights
            + ": one succeeds per host, by its rank in a host list.");
    in.comments.add(
        "They are kept, so this host computes what keepalived computes while the pair is mixed. Once both hosts run"
            + " vrrp-agent, replace them with a priority-order file (one host per line, most preferred first):");
    in.comments.add(
        "  priority-order: { file: /etc/vrrp-agent/priority."
            + in.name
            + ", ranks: "
            + YamlText.rawList(ranks)
            + ", unlisted: "
            + Math.clamp(in.priority, 1, 254)
            + " }");
    in.comments.add(
        "(and remove priority and these track entries; ranks assume the first listed host is the one whose script"
            + " adds the most)");
  }

  // ---------------------------------------------------------------- notify

  private void hook(Statement k, String target) {
    List<Word> a = k.args();
    if (a.isEmpty()) {
      skip(k, "no script given");
      return;
    }
    List<String> argv = ScriptChecks.split(a.getFirst().text());
    if (argv.isEmpty() || argv.size() > 256) {
      skip(k, "expected a program and at most 255 arguments");
      return;
    }
    String comment = "keepalived " + k.keyword() + " (" + k.where() + ")";
    List<String> exec = new ArrayList<>(argv);
    if (!exec.getFirst().startsWith("/")) {
      exec.addFirst("/usr/bin/env");
      comment += "; /usr/bin/env finds " + argv.getFirst() + " on the PATH";
    }
    if (a.size() > 1) {
      comment +=
          "; keepalived ran it as "
              + a.subList(1, a.size()).stream().map(Word::text).reduce((x, y) -> x + ":" + y).get()
              + ", vrrp-agent runs hooks as its own user";
      warn(k, "notify user/group not translated: the hook runs as the agent's user");
    }
    String on =
        switch (k.keyword()) {
          case "notify_master" -> "master";
          case "notify_backup" -> "backup";
          case "notify_fault" -> "fault";
          case "notify_stop" -> "stop";
          default -> null;
        };
    // The same command for the same states serves several instances: one hook with a list.
    for (int i = 0; i < hooks.size(); i++) {
      Hook h = hooks.get(i);
      if (h.exec().equals(exec) && java.util.Objects.equals(h.on(), on)) {
        List<String> t = new ArrayList<>(h.targets());
        t.add(target);
        hooks.set(i, new Hook(exec, on, t, h.comment() + ", " + k.where()));
        return;
      }
    }
    if (hooks.size() >= 64) {
      skip(k, "more than 64 hooks (vrrp-agent's limit)");
      return;
    }
    hooks.add(new Hook(exec, on, List.of(target), comment));
  }

  // ---------------------------------------------------------------- output

  private String write(String source) {
    List<String> out = new ArrayList<>();
    out.add(
        "# vrrp-agent configuration imported from "
            + YamlText.commentText(source)
            + " by `vrrp-agent import-keepalived`.");
    out.add(
        "# Comments say where each part came from and what differs from keepalived; read them, then run");
    out.add(
        "# `vrrp-agent validate --config FILE` and `vrrp-agent checks --config FILE` on the host.");
    out.add("# keepalived settings with no equivalent are listed at the end.");
    if (scriptSecurity) {
      out.add(
          "# enable_script_security: always on in vrrp-agent when it runs as root (scripts, hooks and this file must not be");
      out.add("# writable by other users).");
    }
    for (String c : globalComments) {
      out.add("# " + YamlText.commentText(c));
    }
    if (node != null) {
      out.add("node: " + YamlText.scalar(node) + "   # " + YamlText.commentText(nodeComment));
    }
    if (engineRealtime != null || engineNice != null) {
      out.add(
          "# keepalived "
              + (engineRealtime != null ? "vrrp_rt_priority" : "vrrp_priority")
              + " ("
              + enginePriorityWhere
              + "): for the engine thread only, not the whole process"
              + (engineRealtime != null && engineNice != null
                  ? "; vrrp_priority "
                      + engineNice
                      + " dropped (a real-time thread has no nice value)"
                  : ""));
      out.add(
          engineRealtime != null
              ? "engine-priority: { realtime: " + engineRealtime + " }"
              : "engine-priority: { nice: " + engineNice + " }");
    }
    if (!checks.isEmpty()) {
      out.add("");
      out.add("checks:");
      for (Check c : checks.values()) {
        out.add("  " + c.name + ":");
        for (String comment : c.comments) {
          out.add("    # " + YamlText.commentText(comment));
        }
        for (String line : c.lines) {
          out.add("    " + line);
        }
      }
    }
    if (!instances.isEmpty()) {
      sharedAddresses();
      out.add("");
      out.add("instances:");
      for (Instance in : instances.values()) {
        writeInstance(out, in);
      }
    }
    if (!groups.isEmpty()) {
      out.add("");
      out.add("sync-groups:");
      for (Group g : groups.values()) {
        for (String comment : g.comments) {
          out.add("  # " + YamlText.commentText(comment));
        }
        out.add("  " + g.name + ": " + YamlText.list(g.members));
      }
    }
    writeNotify(out);
    if (!untranslated.isEmpty()) {
      out.add("");
      out.add(
          "# Not translated (keepalived settings with no vrrp-agent equivalent, or values it cannot use):");
      for (String u : byPosition(untranslated)) {
        out.add("#   " + YamlText.commentText(u));
      }
    }
    if (instances.isEmpty()) {
      out.add("");
      out.add(
          "# No vrrp_instance could be translated: this file is not a configuration vrrp-agent can run.");
    }
    return String.join("\n", out) + "\n";
  }

  /**
   * keepalived lets two instances hold one address (each adds it as MASTER); vrrp-agent wants that
   * said on both sides ({@code shares-addresses-with}), which is what keepalived does.
   */
  private void sharedAddresses() {
    Map<String, List<String>> holders = new LinkedHashMap<>();
    for (Instance in : instances.values()) {
      for (String a : in.addresses) {
        holders
            .computeIfAbsent(a.substring(0, a.indexOf('/')), x -> new ArrayList<>())
            .add(in.name);
      }
    }
    for (List<String> names : holders.values()) {
      for (String n : names) {
        for (String other : names) {
          if (!other.equals(n) && !instances.get(n).sharesWith.contains(other)) {
            instances.get(n).sharesWith.add(other);
          }
        }
      }
    }
  }

  private void writeInstance(List<String> out, Instance in) {
    out.add("  " + in.name + ":");
    for (String c : in.comments) {
      out.add("    # " + YamlText.commentText(c));
    }
    out.add("    interface: " + YamlText.scalar(in.iface));
    out.add("    vrid: " + in.vrid);
    out.add("    version: " + in.version);
    out.add("    priority: " + in.priority);
    out.add("    advert-interval: " + duration(in.advertMs));
    if (!in.preempt) {
      out.add("    preempt: false   # keepalived nopreempt");
    }
    if (in.preemptDelayMs > 0) {
      out.add("    preempt-delay: " + duration(in.preemptDelayMs));
    }
    out.add(
        "    addresses: "
            + YamlText.rawList(
                in.addresses.stream().map(KeepalivedImporter::plainAddress).toList()));
    if (!in.sharesWith.isEmpty()) {
      out.add(
          "    shares-addresses-with: "
              + YamlText.list(in.sharesWith)
              + "   # keepalived: the same address in several instances, each adds it as MASTER");
    }
    if (in.source != null && isIpv6(in.source) == in.ipv6) {
      out.add("    source: " + plainAddress(in.source));
    } else if (in.source != null) {
      out.add(
          "    # keepalived unicast_src_ip/mcast_src_ip "
              + in.source
              + ": another family than the addresses; not used");
    }
    List<String> peers = in.peers.stream().filter(p -> isIpv6(p) == in.ipv6).limit(64).toList();
    if (peers.size() < in.peers.size()) {
      out.add(
          "    # keepalived unicast_peer: "
              + in.peers.stream().filter(p -> !peers.contains(p)).toList()
              + " left out (another family than the addresses, or beyond vrrp-agent's 64 peers)");
    }
    if (!peers.isEmpty()) {
      out.add(
          "    unicast-peers: "
              + YamlText.rawList(
                  peers.stream()
                      .map(
                          p -> {
                            int[] ttl = in.peerTtl.get(p);
                            if (ttl == null) {
                              return plainAddress(p);
                            }
                            return "{ address: "
                                + plainAddress(p)
                                + ", min-ttl: "
                                + ttl[0]
                                + (ttl[1] == 255 ? "" : ", max-ttl: " + ttl[1])
                                + " }";
                          })
                      .toList()));
    }
    if (in.authPassword != null) {
      out.add("    auth: { type: pass, password: " + YamlText.scalar(in.authPassword) + " }");
    }
    if (in.garpDelayMs != null || in.garpRepeat != null || in.garpRefreshMs != null) {
      List<String> g = new ArrayList<>();
      if (in.garpDelayMs != null) {
        g.add("delay: " + duration(in.garpDelayMs));
      }
      if (in.garpRepeat != null) {
        g.add("repeat: " + in.garpRepeat);
      }
      if (in.garpRefreshMs != null) {
        g.add("refresh: " + duration(in.garpRefreshMs));
      }
      out.add("    garp: { " + String.join(", ", g) + " }");
    }
    if (in.virtualMac) {
      out.add("    virtual-mac: true   # keepalived use_vmac");
    }
    if (!in.tracks.isEmpty()) {
      out.add("    track:");
      for (Track t : in.tracks) {
        String entry =
            "      - { check: "
                + t.check
                + ", weight: "
                + t.weight
                + (t.reverse ? ", reverse: true" : "")
                + " }";
        out.add(t.comment == null ? entry : entry + "   # " + YamlText.commentText(t.comment));
      }
    }
  }

  private void writeNotify(List<String> out) {
    Set<String> mailing = new LinkedHashSet<>();
    for (String m : mailingInstances) {
      if (instances.containsKey(m) || groups.containsKey(m)) {
        mailing.add(m);
      }
    }
    if (globalSmtpAlert) {
      for (String i : instances.keySet()) {
        if (!noMailInstances.contains(i)) {
          mailing.add(i);
        }
      }
    }
    boolean email = !mailing.isEmpty() && smtpHost != null && !mailTo.isEmpty();
    List<String> mailNotes = new ArrayList<>();
    if (!mailing.isEmpty() && !email) {
      mailNotes.add(
          "# keepalived smtp_alert is set, but "
              + (smtpHost == null ? "smtp_server" : "notification_email")
              + " is missing in global_defs, so keepalived sends no mail; neither does this configuration");
    }
    boolean events = fifo != null;
    if (hooks.isEmpty() && !email && !events && mailNotes.isEmpty()) {
      return;
    }
    out.add("");
    out.addAll(mailNotes);
    if (hooks.isEmpty() && !email && !events) {
      return;
    }
    out.add("notify:");
    if (!hooks.isEmpty()) {
      out.add(
          "  # keepalived notify scripts. A generic hook (no `on:`) gets keepalived's four arguments appended");
      out.add(
          "  # (INSTANCE|GROUP name STATE priority); per-state hooks get none. vrrp-agent runs hooks one at a time");
      out.add("  # with a timeout (10s), which keepalived does not.");
      out.add("  hooks:");
      for (Hook h : hooks) {
        List<String> targets =
            h.targets().stream()
                .distinct()
                .filter(t -> instances.containsKey(t) || groups.containsKey(t))
                .toList();
        if (targets.isEmpty()) {
          out.add(
              "    # "
                  + YamlText.commentText(h.comment())
                  + ": "
                  + YamlText.commentText(String.join(" ", h.exec()))
                  + " — its instance was not translated, so neither is the hook");
          continue;
        }
        out.add(
            "    - exec: " + YamlText.list(h.exec()) + "   # " + YamlText.commentText(h.comment()));
        if (h.on() != null) {
          out.add("      on: [" + h.on() + "]");
        }
        out.add("      instances: " + YamlText.list(targets));
      }
    }
    if (email) {
      out.add("  email:");
      if (mailing.size() < instances.size() + groups.size()) {
        Set<String> silent = new TreeSet<>(instances.keySet());
        silent.removeAll(mailing);
        for (String m : mailing) {
          if (groups.containsKey(m)) {
            groups.get(m).members.forEach(silent::remove);
          }
        }
        if (!silent.isEmpty()) {
          out.add(
              "    # keepalived mailed for "
                  + String.join(", ", mailing)
                  + " only; vrrp-agent mails for every instance,"
                  + " including "
                  + String.join(", ", silent));
        }
      }
      out.add(
          "    smtp: { host: "
              + YamlText.scalar(smtpHost)
              + ", port: "
              + (smtpPort != null ? smtpPort : 25)
              + ", starttls: none, timeout: "
              + duration(smtpTimeoutMs != null ? smtpTimeoutMs : 30_000)
              + " }");
      out.add(
          "    # keepalived speaks plain SMTP (starttls: none) and waits 30s by default (smtp_connect_timeout);");
      out.add("    # vrrp-agent's defaults are STARTTLS when offered and 10s.");
      if (mailFrom != null) {
        out.add("    from: " + YamlText.scalar(mailFrom));
      } else {
        String host = node != null ? node : "localhost";
        out.add(
            "    from: "
                + YamlText.scalar("keepalived@" + host)
                + "   # keepalived's default is keepalived@<host name>; no notification_email_from was given");
      }
      out.add("    to: " + YamlText.list(mailTo));
      out.add(
          "    # keepalived mails on every transition and does not coalesce; vrrp-agent's defaults are");
      out.add(
          "    # [master, fault, backup-after-failure] within 10s. keepalived's behaviour, written out:");
      out.add(
          "    when: "
              + (noEmailFaults
                  ? "[master, backup]   # keepalived no_email_faults"
                  : "[master, backup, fault]"));
      out.add("    coalesce: 0s");
    }
    if (events) {
      out.add("  events:");
      out.add(
          "    fifo: "
              + YamlText.scalar(fifo)
              + "   # keepalived notify_fifo: the same line format");
    }
  }

  private static final Pattern POSITION = Pattern.compile("(.*?):([0-9]+): .*", Pattern.DOTALL);

  /**
   * Entries "FILE:LINE: …" in file order (of first mention), then line order; others last, as they
   * came.
   */
  private static List<String> byPosition(List<String> entries) {
    List<String> files = new ArrayList<>();
    for (String e : entries) {
      java.util.regex.Matcher m = POSITION.matcher(e);
      if (m.matches() && !files.contains(m.group(1))) {
        files.add(m.group(1));
      }
    }
    List<String> sorted = new ArrayList<>(entries);
    sorted.sort(
        java.util.Comparator.comparingLong(
            e -> {
              java.util.regex.Matcher m = POSITION.matcher(e);
              return m.matches()
                  ? files.indexOf(m.group(1)) * 100_000_000L
                      + Long.parseLong(m.group(2).length() > 8 ? "99999999" : m.group(2))
                  : Long.MAX_VALUE;
            }));
    return sorted;
  }

  // ---------------------------------------------------------------- values

  private static String quoted(String s) {
    return "\"" + s + "\"";
  }

  private static boolean isIpv6(String address) {
    return address.contains(":");
  }

  /** Addresses are written plain (they read back as strings); one starting with ':' is quoted. */
  private static String plainAddress(String a) {
    return a.startsWith(":") ? "\"" + a + "\"" : a;
  }

  private static boolean unicast(InetAddress a) {
    return !a.isMulticastAddress()
        && !a.isAnyLocalAddress()
        && !a.isLoopbackAddress()
        && !(a instanceof Inet4Address && a.getAddress()[0] == (byte) 255);
  }

  static Optional<InetAddress> literal(String text) {
    return HostPort.literal(text);
  }

  /** The compressed RFC 5952 form, as the agent prints addresses. */
  private static String format(InetAddress a) {
    return AddressText.of(a);
  }

  private static Integer integer(String text, int min, int max) {
    if (!INTEGER.matcher(text).matches()) {
      return null;
    }
    long v = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
    return v < min || v > max ? null : (int) v;
  }

  /** keepalived's TIMER (decimal seconds) in milliseconds, or null. */
  private static Long millis(String text) {
    if (!DECIMAL.matcher(text).matches()) {
      return null;
    }
    return new BigDecimal(text)
        .movePointRight(3)
        .setScale(0, java.math.RoundingMode.HALF_UP)
        .longValueExact();
  }

  private Long seconds(Statement s, String text, long minMs, long maxMs) {
    Long ms = text == null ? null : millis(text);
    if (ms == null) {
      skip(s, "expected seconds");
      return null;
    }
    if (ms < minMs || ms > maxMs) {
      long c = Math.clamp(ms, minMs, maxMs);
      warn(
          s,
          s.text()
              + ": clamped to "
              + duration(c)
              + " (vrrp-agent's range "
              + duration(minMs)
              + ".."
              + duration(maxMs)
              + ")");
      return c;
    }
    return ms;
  }

  /** A count: skipped when it is not a number, clamped (with a warning) to 1..100. */
  private Integer count(Statement s, String text) {
    Integer n = text == null ? null : integer(text, 0, Integer.MAX_VALUE);
    if (n == null) {
      skip(s, "expected a count");
      return null;
    }
    if (n < 1 || n > 100) {
      warn(s, s.text() + ": clamped to vrrp-agent's range 1..100");
      return Math.clamp(n, 1, 100);
    }
    return n;
  }

  private static Boolean bool(List<Word> a) {
    if (a.isEmpty()) {
      return true;
    }
    if (a.size() > 1) {
      return null;
    }
    return switch (a.getFirst().text().toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      default -> null;
    };
  }

  private static String duration(long ms) {
    return DurationText.of(java.time.Duration.ofMillis(ms));
  }
}
