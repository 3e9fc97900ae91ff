package org.vrrpagent.agent.daemon;

import java.util.List;
import java.util.regex.Pattern;
import org.vrrpagent.agent.config.CheckConfig;
import org.vrrpagent.agent.config.ProbeConfig;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.DnsProbeSpec;
import org.vrrpagent.checks.FileProbeSpec;
import org.vrrpagent.checks.HttpProbeSpec;
import org.vrrpagent.checks.InterfaceProbeSpec;
import org.vrrpagent.checks.ProbeSpec;
import org.vrrpagent.checks.ProcessProbeSpec;
import org.vrrpagent.checks.ScriptProbeSpec;
import org.vrrpagent.checks.TcpProbeSpec;

/** The checks module's specifications for the validated {@code checks:} of a configuration. */
public final class CheckSpecs {
  private CheckSpecs() {}

  public static List<CheckSpec> of(Iterable<CheckConfig> checks) {
    List<CheckSpec> out = new java.util.ArrayList<>();
    for (CheckConfig c : checks) {
      out.add(of(c));
    }
    return List.copyOf(out);
  }

  public static CheckSpec of(CheckConfig c) {
    return new CheckSpec(c.name(), probe(c.probe()), c.interval(), c.timeout(), c.rise(), c.fall(),
        c.initial() == CheckConfig.InitialState.UP ? CheckSpec.Initial.UP : CheckSpec.Initial.DOWN);
  }

  static ProbeSpec probe(ProbeConfig p) {
    return switch (p) {
      case ProbeConfig.Dns d -> new DnsProbeSpec(
          hostPort(d.server(), d.port()), d.name(), d.type(), d.dnsClass(), d.tcpOnly(), d.dnssecOk(), d.requireAd(),
          d.expectRcode(), d.expectAnswers(), d.answerContains().orElse(null),
          d.answerRegex().map(Pattern::pattern).orElse(null), d.requireAnswer());
      case ProbeConfig.Http h -> new HttpProbeSpec(
          h.url().toString(), h.method(), h.host().orElse(null),
          h.connectTo().map(a -> a.getHostAddress()).orElse(null),
          h.family().name().toLowerCase(java.util.Locale.ROOT),
          h.expectStatus().stream().map(r -> r.from() == r.to() ? "" + r.from() : r.from() + "-" + r.to()).toList(),
          h.bodyContains().orElse(null), h.bodyRegex().map(Pattern::pattern).orElse(null), h.tlsVerify(), null,
          h.tlsPin().map(List::of).orElse(List.of()), h.certExpiryWarning(), h.maxBodyBytes());
      case ProbeConfig.Tcp t -> new TcpProbeSpec(
          t.host(), t.port(), t.send().orElse(null), t.expect().map(Pattern::pattern).orElse(null), t.expectWithinBytes());
      case ProbeConfig.Process pr -> new ProcessProbeSpec(
          pr.name().orElse(null), pr.cmdline().map(Pattern::pattern).orElse(null), pr.pidFile().orElse(null), pr.minCount());
      case ProbeConfig.Script s -> new ScriptProbeSpec(s.exec(), s.user().orElse(null), s.killGrace(), s.maxOutputBytes());
      case ProbeConfig.File f -> new FileProbeSpec(f.path());
      case ProbeConfig.Interface i -> new InterfaceProbeSpec(i.name(), null);
    };
  }

  private static String hostPort(String server, int port) {
    if (port == DnsProbeSpec.DEFAULT_PORT) {
      return server;
    }
    boolean v6 = server.contains(":");
    return (v6 ? "[" + server + "]" : server) + ":" + port;
  }

}
