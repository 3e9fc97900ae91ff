package org.vrrpagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vrrpagent.agent.config.ControlConfig;
import org.vrrpagent.agent.control.ControlServer;

/**
 * The client commands ({@code status}, {@code demote}, {@code promote}, {@code rotate}, {@code
 * reload}) run in a JVM of their own, as an operator runs them, against a real control server on a
 * unix socket; the JVM's class-loading log ({@code -Xlog:class+load}) must show none of the
 * daemon's classes: no engine, no daemon assembly, no control server, no Netty, Micrometer,
 * Prometheus, mail, dnsjava, not logback's asynchronous appender (the daemon's logging), and not
 * the other subcommands or the configuration model picocli would build for them. The client is a
 * small program, so it starts in a fraction of the daemon's time (docs/benchmarks.md measures it).
 */
class ClientClassLoadingTest {
  /** Package prefixes only the daemon needs. */
  static final List<String> DAEMON_ONLY =
      List.of(
          "org.vrrpagent.agent.daemon.",
          "org.vrrpagent.agent.config.",
          "org.vrrpagent.agent.demo.",
          "org.vrrpagent.agent.importer.",
          "org.vrrpagent.agent.cli.RunCommand",
          "org.vrrpagent.agent.control.",
          "org.vrrpagent.agent.notify.",
          "org.vrrpagent.agent.rotation.",
          "org.vrrpagent.agent.metrics.",
          "org.vrrpagent.agent.addresses.AddressReconciler",
          "org.vrrpagent.core.engine.",
          "org.vrrpagent.core.fsm.",
          "org.vrrpagent.core.linux.RawSocketTransport",
          "org.vrrpagent.checks.CheckScheduler",
          "io.netty.",
          "io.micrometer.",
          "io.prometheus.",
          "jakarta.mail.",
          "org.eclipse.angus.",
          "org.xbill.",
          "ch.qos.logback.classic.AsyncAppender");

  @TempDir static Path dir;
  private static ControlServer server;
  private static Path socket;

  @BeforeAll
  static void startServer() {
    socket = dir.resolve("control.sock");
    server =
        new ControlServer(
            new org.vrrpagent.agent.aot.AotTraining.StandInBackend(),
            () -> "# metrics\n",
            consumer -> () -> {});
    server.start(new ControlConfig(Optional.empty(), Optional.of(socket)));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "status",
        "status --json",
        "demote rdns0",
        "promote rdns0",
        "rotate rdns0",
        "reload"
      })
  void aClientCommandLoadsNoneOfTheDaemonsClasses(String command) throws Exception {
    Path log = dir.resolve(command.replace(' ', '-') + ".classes");
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(
        List.of(
            "-Xlog:class+load=info:file=" + log,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            VrrpAgentCommand.class.getName()));
    argv.addAll(List.of(command.split(" ")));
    argv.addAll(List.of("--control", "unix:" + socket));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited within 60 s").isTrue();
    assertThat(p.exitValue()).as(output).isZero();

    List<String> loaded = loadedClasses(log);
    assertThat(loaded).as("the class-loading log").contains(ControlClient.class.getName());
    assertThat(loaded)
        .as("classes only the daemon needs, loaded by '%s'", command)
        .filteredOn(c -> DAEMON_ONLY.stream().anyMatch(c::startsWith))
        .isEmpty();
  }

  private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source:");

  static List<String> loadedClasses(Path log) throws Exception {
    List<String> classes = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      Matcher m = LOADED.matcher(line);
      if (m.find()) {
        classes.add(m.group(1));
      }
    }
    return classes;
  }
}
