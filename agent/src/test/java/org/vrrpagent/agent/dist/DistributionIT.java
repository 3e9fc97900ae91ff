package org.vrrpagent.agent.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball {@code ./mvnw package} builds, unpacked and run the way an operator would: {@code
 * bin/vrrp-agent} from the unpacked tree, nothing from the source checkout.
 */
class DistributionIT {
  private static final long TIMEOUT_SECONDS = 60;

  @TempDir static Path unpacked;
  private static Path home;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      tarball =
          files
              .filter(p -> p.getFileName().toString().matches("vrrp-agent-.*\\.tar\\.gz"))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("no target/vrrp-agent-*.tar.gz: run ./mvnw package"));
    }
    Run tar =
        run(List.of("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", unpacked.toString()));
    assertThat(tar.exit()).as(tar.err()).isZero();
    try (Stream<Path> dirs = Files.list(unpacked)) {
      home =
          dirs.filter(p -> p.getFileName().toString().startsWith("vrrp-agent-"))
              .findFirst()
              .orElseThrow();
    }
    String version = tarball.getFileName().toString().replaceAll("^vrrp-agent-|\\.tar\\.gz$", "");
    assertThat(home.getFileName().toString()).isEqualTo("vrrp-agent-" + version);
  }

  static Run run(List<String> command) throws IOException, InterruptedException {
    return run(command, java.util.Map.of());
  }

  static Run run(List<String> command, java.util.Map<String, String> environment)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("dist-out", ".txt");
    Path err = Files.createTempFile("dist-err", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      // Only what an operator's shell would have: no classpath or Maven settings leak in.
      pb.environment().remove("CLASSPATH");
      pb.environment().remove("VRRP_AGENT_CONTROL");
      pb.environment().remove("VRRP_AGENT_AOT_CACHE");
      pb.environment().remove("VRRP_AGENT_JAVA_OPTS");
      pb.environment().putAll(environment);
      Process p = pb.start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish within " + TIMEOUT_SECONDS + "s");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static Run agent(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/vrrp-agent").toString());
    command.addAll(List.of(args));
    return run(command);
  }

  @Test
  void theLayoutIsComplete() throws Exception {
    for (String file :
        List.of(
            "bin/vrrp-agent",
            "bin/find-java25",
            "etc/agent.yaml",
            "etc/priority.rdns",
            "etc/notify",
            "examples/web-pair/agent.yaml",
            "systemd/vrrp-agent.service",
            "completion/vrrp-agent",
            "man/man1/vrrp-agent.1",
            "man/man1/vrrp-agent-status.1",
            "man/man1/vrrp-agent-demote.1",
            "man/man1/vrrp-agent-promote.1",
            "man/man1/vrrp-agent-reload.1",
            "man/man1/vrrp-agent-run.1",
            "man/man1/vrrp-agent-version.1")) {
      assertThat(home.resolve(file)).as(file).isRegularFile();
    }
    assertThat(Files.getPosixFilePermissions(home.resolve("bin/vrrp-agent")))
        .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      List<String> jars = lib.map(p -> p.getFileName().toString()).toList();
      assertThat(jars)
          .anyMatch(j -> j.startsWith("agent-"))
          .anyMatch(j -> j.startsWith("vrrp-core-"))
          .anyMatch(j -> j.startsWith("checks-"))
          .anyMatch(j -> j.startsWith("netty-transport-native-epoll-"))
          .noneMatch(j -> j.contains("junit") || j.contains("codegen") || j.contains("jazzer"));
    }
    assertThat(Files.readString(home.resolve("man/man1/vrrp-agent-demote.1")))
        .contains(".TH \"VRRP\\-AGENT\\-DEMOTE\" \"1\"");
    assertThat(Files.readString(home.resolve("systemd/vrrp-agent.service")))
        .contains(
            "Type=notify",
            "WatchdogSec=",
            "ExecReload=/bin/kill -HUP $MAINPID",
            "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN");
  }

  /**
   * lib/vrrp-agent.aot, made at package time, is used when its id names this JDK, the launcher's
   * options and these jars ({@code -XX:AOTMode=on} makes the JVM refuse to start if the cache were
   * not usable); with an id naming another JDK, or with no cache at all, the launcher starts the
   * JVM without one, silently, and the command still works.
   */
  @Test
  void theShippedAotCacheIsUsedOnlyWhenItMatchesAndTheLauncherWorksWithoutIt() throws Exception {
    Path cache = home.resolve("lib/vrrp-agent.aot");
    Path id = home.resolve("lib/vrrp-agent.aot.id");
    assertThat(cache).isRegularFile();
    assertThat(Files.readString(id)).contains("JAVA_RUNTIME_VERSION=", "options ", "agent-");
    java.util.Map<String, String> verbose = java.util.Map.of("VRRP_AGENT_LAUNCHER_VERBOSE", "1");

    Run used =
        run(
            List.of(home.resolve("bin/vrrp-agent").toString(), "version"),
            java.util.Map.of(
                "VRRP_AGENT_LAUNCHER_VERBOSE", "1", "VRRP_AGENT_JAVA_OPTS", "-XX:AOTMode=on"));
    assertThat(used.exit()).as(used.err()).isZero();
    assertThat(used.err()).contains("AOT cache " + cache + " (matches");
    assertThat(used.out()).startsWith("vrrp-agent ");

    String original = Files.readString(id);
    try {
      Files.writeString(
          id, original.replaceAll("JAVA_RUNTIME_VERSION=\\S+", "JAVA_RUNTIME_VERSION=\"24.0.1\""));
      Run otherJdk = run(List.of(home.resolve("bin/vrrp-agent").toString(), "version"), verbose);
      assertThat(otherJdk.exit()).as(otherJdk.err()).isZero();
      assertThat(otherJdk.err()).contains("not used: made for another JDK").doesNotContain("[aot]");
      assertThat(otherJdk.out()).startsWith("vrrp-agent ");
    } finally {
      Files.writeString(id, original);
    }

    Path moved = home.resolve("vrrp-agent.aot.moved");
    Files.move(cache, moved);
    try {
      Run none = run(List.of(home.resolve("bin/vrrp-agent").toString(), "version"), verbose);
      assertThat(none.exit()).as(none.err()).isZero();
      assertThat(none.err()).contains("no AOT cache in").doesNotContain("[aot]");
      assertThat(none.out()).startsWith("vrrp-agent ");
    } finally {
      Files.move(moved, cache);
    }
  }

  @Test
  void versionAndHelpRunFromTheUnpackedTree() throws Exception {
    Run version = agent("--version");
    assertThat(version.exit()).as(version.err()).isZero();
    assertThat(version.out())
        .matches("vrrp-agent \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java 2[5-9][^)]*\\)\\R");
    assertThat(version.out()).doesNotContain(" dev ");
    assertThat(agent("version").out()).isEqualTo(version.out());

    Run help = agent("--help");
    assertThat(help.exit()).as(help.err()).isZero();
    assertThat(help.out())
        .startsWith("Usage: vrrp-agent")
        .contains("run", "status", "demote", "promote", "reload", "version");
  }

  @Test
  void clientCommandsSayWhenNoAgentIsRunning() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Run r = agent("status", "--control", "http://127.0.0.1:" + port);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("cannot reach the agent at http://127.0.0.1:" + port);
    assertThat(agent("demote").exit()).isEqualTo(2);
  }

  @Test
  void theShippedConfigurationValidates() throws Exception {
    // Plain validate: the hook and the priority-order file it names are shipped beside it.
    Run r = agent("validate", "--config", home.resolve("etc/agent.yaml").toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
  }

  @Test
  void theBashCompletionLoadsAndCompletesSubcommands() throws Exception {
    String script = home.resolve("completion/vrrp-agent").toString();
    Run r =
        run(
            List.of(
                "bash",
                "-c",
                "source '"
                    + script
                    + "' && complete -p vrrp-agent"
                    + " && COMP_WORDS=(vrrp-agent dem) COMP_CWORD=1 COMP_LINE='vrrp-agent dem' COMP_POINT=14"
                    + " && _complete_vrrp-agent vrrp-agent dem vrrp-agent; printf '%s\\n' \"${COMPREPLY[@]}\""));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo("complete -o default -F _complete_vrrp-agent vrrp-agent\ndemote\ndemo\n");
  }
}
