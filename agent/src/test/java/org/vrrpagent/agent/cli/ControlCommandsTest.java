package org.vrrpagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vrrpagent.agent.config.ControlConfig;
import org.vrrpagent.agent.control.ControlServer;
import org.vrrpagent.agent.control.EventSource;
import org.vrrpagent.agent.control.FakeBackend;
import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

/** The CLI's control commands against a real control server (with a fake daemon behind it). */
class ControlCommandsTest {
  private final FakeBackend backend = new FakeBackend();
  private ControlServer server;
  private String url;

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void start() {
    server = new ControlServer(backend, () -> "", EventSource.NONE);
    InetSocketAddress bound =
        (InetSocketAddress)
            server
                .start(
                    new ControlConfig(
                        Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                        Optional.empty()))
                .getFirst();
    url = "http://127.0.0.1:" + bound.getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static Run run(String... args) {
    CommandLine cli = VrrpAgentCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void statusIsATable() {
    Run r = run("status", "--control", url);
    assertThat(r.exit()).as(r.err()).isZero();
    // SINCE in this host's time zone, with its age relative to the snapshot (taken a minute later)
    String since =
        StatusCommand.when(
            java.time.Instant.parse("2026-11-22T03:00:00Z"),
            java.time.Instant.parse("2026-11-22T03:01:00Z"),
            java.time.ZoneId.systemDefault());
    assertThat(since).endsWith(", 1 min ago");
    assertThat(r.out())
        .isEqualTo(
            ("""
        node recdns-sby

        INSTANCE  STATE   PRIORITY        MASTER      SINCE%s  ADDRESSES
        dns0      MASTER  150 (base 200)  198.18.0.2  %s  198.18.0.100/24, fd00:198:18::100/64
          dns0: priority 150 = rank 2 in priority.dns (200), check resolver (down): -50
          dns0: demoted by 50 by the operator; 'vrrp-agent promote dns0' ends it

        CHECK     STATE  LATENCY  LAST RESULT
        resolver  down   12.5ms   down: DNS 127.0.0.1: SERVFAIL (expected: NOERROR)

        PRIORITY FILE                 STATE  ORDER
        /etc/vrrp-agent/priority.dns  ok     recdns-cnh, recdns-sby
        """)
                .formatted(" ".repeat(since.length() - "SINCE".length()), since));
  }

  @Test
  void statusJsonIsTheApiAnswer() {
    Run r = run("status", "--json", "--control", url);
    assertThat(r.exit()).isZero();
    var json = JsonMapper.builder().build().readTree(r.out());
    assertThat(json.get("instances").get(0).get("name").asString()).isEqualTo("dns0");
  }

  @Test
  void demoteAndPromoteReachTheDaemon() {
    assertThat(run("demote", "dns0", "--by", "100", "--control", url).exit()).isZero();
    assertThat(run("demote", "dns0", "--to-backup", "--control", url).exit()).isZero();
    Run plain = run("demote", "dns0", "--control", url);
    assertThat(plain.exit()).isZero();
    assertThat(plain.out()).isEqualTo("dns0: demoted ToBackup[]\n");
    assertThat(run("promote", "dns0", "--control", url).exit()).isZero();
    assertThat(run("reload", "--control", url).exit()).isZero();
    assertThat(backend.calls)
        .containsExactly(
            "demote dns0 By[by=100]",
            "demote dns0 ToBackup[]",
            "demote dns0 ToBackup[]",
            "promote dns0",
            "reload");
  }

  @Test
  void anUnknownInstanceIsExit1WithTheAgentsReason() {
    Run r = run("demote", "dns9", "--control", url);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("vrrp-agent demote: no instance named 'dns9' (HTTP 404)\n");
  }

  @Test
  void aRefusedReloadIsExit1() {
    backend.refuseReload = true;
    Run r = run("reload", "--control", url);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("vrrp-agent reload: agent.yaml:3:5: unknown key 'prio'");
  }

  @Test
  void theUnixSocketWorksLikeTcp(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path socket = dir.resolve("control.sock");
    try (ControlServer unix = new ControlServer(backend, () -> "", EventSource.NONE)) {
      unix.start(new ControlConfig(Optional.empty(), Optional.of(socket)));
      Run status = run("status", "--control", "unix:" + socket);
      assertThat(status.exit()).as(status.err()).isZero();
      assertThat(status.out()).isEqualTo(run("status", "--control", url).out());
      assertThat(run("demote", "dns0", "--by", "3", "--control", "unix:" + socket).exit()).isZero();
      Run unknown = run("promote", "dns9", "--control", "unix:" + socket);
      assertThat(unknown.exit()).isEqualTo(1);
      assertThat(unknown.err())
          .isEqualTo("vrrp-agent promote: no instance named 'dns9' (HTTP 404)\n");
    }
    assertThat(backend.calls).containsExactly("demote dns0 By[by=3]");
    Run gone = run("status", "--control", "unix:" + socket);
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err())
        .startsWith("vrrp-agent status: cannot reach the agent at unix:" + socket + " (")
        .endsWith("): is it running, and is this its control.unix-socket?\n");
  }

  @Test
  void anAgentThatIsNotRunningIsExit1WithOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Run r = run("status", "--control", "http://127.0.0.1:" + port);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("vrrp-agent status: cannot reach the agent at http://127.0.0.1:" + port + " (")
        .endsWith("): is it running, and is this its control.listen address?\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "demote",
        "demote dns0 --by 0",
        "demote dns0 --by 255",
        "demote dns0 --by x",
        "demote dns0 --by 5 --to-backup",
        "promote",
        "status --nope",
        "reload extra",
        "status --control ftp://x",
        "status --control unix:relative",
      })
  void badUsageIsExit2(String args) {
    Run r = run(args.split(" "));
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).isNotBlank();
    assertThat(backend.calls).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "run", "status", "demote", "promote", "reload", "version"})
  void helpEverywhere(String command) {
    Run r = command.isEmpty() ? run("--help") : run(command, "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("Usage: vrrp-agent");
  }

  @Test
  void versionCommandAndOption() {
    Run cmd = run("version");
    Run opt = run("--version");
    assertThat(cmd.exit()).isZero();
    assertThat(cmd.out()).startsWith("vrrp-agent ").contains("(Java ");
    assertThat(opt.out()).isEqualTo(cmd.out());
  }
}
