package org.vrrpagent.agent.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.vrrpagent.agent.config.YamlNode.Position;
import org.vrrpagent.agent.config.YamlNode.Scalar;
import org.vrrpagent.agent.config.YamlNode.ScalarKind;
import org.vrrpagent.checks.CheckSpec;

/**
 * Turns the located YAML tree into a {@link Config}: the node name and {@code control:} here;
 * checks, instances and sync groups, and notifications each by their own binder ({@link
 * CheckBinder}, {@link InstanceBinder}, {@link NotifyBinder}). Every problem is collected; the
 * result is null when there was any.
 */
final class ConfigBinder extends Binder {
  private final String defaultNode;

  ConfigBinder(Problems problems, String defaultNode, FileRules rules, Path baseDir) {
    super(
        problems,
        rules,
        new Declared(java.util.Set.of(), java.util.Set.of(), java.util.Set.of()),
        baseDir);
    this.defaultNode = defaultNode;
  }

  Config bind(YamlNode root) {
    Position top = new Position(1, 1);
    Optional<MappingReader> maybe = MappingReader.of(root, "the configuration", top, problems);
    if (maybe.isEmpty()) {
      return null;
    }
    MappingReader r = maybe.get();
    String node =
        r.string("node", "this host's name")
            .filter(
                n -> {
                  if (!AddressSyntax.isHostName(n)) {
                    problems.add(
                        r.at("node"),
                        "node \""
                            + YamlNode.abbreviate(n)
                            + "\" is not a host name (expected: letters, digits, \"-\", \".\")");
                    return false;
                  }
                  return true;
                })
            .orElse(defaultNode);
    Declared names = Declared.of(r);
    InstanceBinder instanceBinder = new InstanceBinder(problems, rules, names, baseDir, node);
    Map<String, CheckSpec> checks = new CheckBinder(problems, rules, names, baseDir).checks(r);
    Map<String, InstanceConfig> instances = instanceBinder.instances(r, checks);
    if (!r.has("instances")) {
      problems.add(
          top, "no instances (expected: an instances: mapping with at least one VRRP instance)");
    }
    Map<String, SyncGroupConfig> syncGroups = instanceBinder.syncGroups(r, instances);
    ControlConfig control =
        r.node("control").isPresent()
            ? control(r).orElse(ControlConfig.DEFAULT)
            : ControlConfig.DEFAULT;
    NotifyConfig notify =
        r.node("notify").isPresent()
            ? new NotifyBinder(problems, rules, names, baseDir).notify(r, instances, syncGroups)
            : NotifyConfig.NONE;
    LimitsConfig limits = r.node("limits").isPresent() ? limits(r) : LimitsConfig.DEFAULT;
    EnginePriorityConfig enginePriority =
        r.node("engine-priority").isPresent() ? enginePriority(r) : EnginePriorityConfig.DEFAULT;
    r.finish();
    instanceBinder.acrossInstances(r, instances);
    if (!problems.isEmpty()) {
      return null;
    }
    return new Config(node, instances, syncGroups, checks, control, notify, limits, enginePriority);
  }

  private EnginePriorityConfig enginePriority(MappingReader parent) {
    return MappingReader.of(
            parent.node("engine-priority").orElseThrow(),
            "engine-priority",
            parent.keyAt("engine-priority"),
            problems)
        .map(
            r -> {
              Optional<Integer> nice =
                  r.integer(
                      "nice", "nice", EnginePriorityConfig.MIN_NICE, EnginePriorityConfig.MAX_NICE);
              Optional<Integer> realtime =
                  r.integer(
                      "realtime",
                      "realtime",
                      EnginePriorityConfig.MIN_REALTIME,
                      EnginePriorityConfig.MAX_REALTIME);
              r.finish();
              if (r.has("nice") && r.has("realtime")) {
                problems.add(
                    r.keyAt("realtime"),
                    "engine-priority has both nice and realtime (expected: one of them; a"
                        + " real-time thread has no nice value)");
                return EnginePriorityConfig.DEFAULT;
              }
              if (!r.has("nice") && !r.has("realtime")) {
                problems.add(
                    parent.keyAt("engine-priority"),
                    "engine-priority is empty (expected: nice: -20..19 or realtime: 1..99)");
                return EnginePriorityConfig.DEFAULT;
              }
              return nice.map(EnginePriorityConfig::nice)
                  .or(() -> realtime.map(EnginePriorityConfig::realtime))
                  .orElse(EnginePriorityConfig.DEFAULT);
            })
        .orElse(EnginePriorityConfig.DEFAULT);
  }

  private LimitsConfig limits(MappingReader parent) {
    return MappingReader.of(
            parent.node("limits").orElseThrow(), "limits", parent.keyAt("limits"), problems)
        .map(
            r -> {
              int scripts =
                  r.integer(
                          "running-scripts", "running-scripts", 1, LimitsConfig.MAX_RUNNING_SCRIPTS)
                      .orElse(LimitsConfig.DEFAULT_RUNNING_SCRIPTS);
              r.finish();
              return new LimitsConfig(scripts);
            })
        .orElse(LimitsConfig.DEFAULT);
  }

  // ---------------------------------------------------------------- control

  private Optional<ControlConfig> control(MappingReader parent) {
    return MappingReader.of(
            parent.node("control").orElseThrow(), "control", parent.keyAt("control"), problems)
        .map(
            r -> {
              Optional<InetSocketAddress> listen = ControlConfig.DEFAULT.listen();
              Optional<YamlNode> l = r.node("listen");
              if (l.isPresent()) {
                if (l.get() instanceof Scalar s
                    && (s.text().equals("off")
                        || s.kind() == ScalarKind.BOOLEAN && s.text().equals("false"))) {
                  listen = Optional.empty();
                } else {
                  listen =
                      r.scalarText(l.get(), "listen", "an address:port or off")
                          .flatMap(t -> hostPort(r, "listen", t, ControlConfig.DEFAULT_PORT))
                          .flatMap(
                              hp -> {
                                Optional<InetAddress> ip = AddressSyntax.literal(hp.host());
                                if (ip.isEmpty()) {
                                  problems.add(
                                      r.at("listen"),
                                      "listen \""
                                          + hp.host()
                                          + "\" is not an IP address (expected: e.g. 127.0.0.1:9740 or [::1]:9740)");
                                  return Optional.empty();
                                }
                                return Optional.of(new InetSocketAddress(ip.get(), hp.port()));
                              });
                }
              }
              Optional<Path> unix =
                  r.string("unix-socket", "an absolute path")
                      .flatMap(p -> absolutePath(r, "unix-socket", p));
              boolean allowRemote = r.bool("allow-remote").orElse(false);
              if (listen.isPresent()
                  && !listen.get().getAddress().isLoopbackAddress()
                  && !allowRemote
                  && r.has("listen")) {
                problems.add(
                    r.at("listen"),
                    "listen "
                        + AddressSyntax.format(listen.get().getAddress())
                        + " is not a loopback address,"
                        + " and the control API can demote, promote and reload without a password (expected: 127.0.0.1 or [::1],"
                        + " or allow-remote: true to accept that risk)");
              }
              r.finish();
              return new ControlConfig(listen, unix, allowRemote);
            });
  }
}
