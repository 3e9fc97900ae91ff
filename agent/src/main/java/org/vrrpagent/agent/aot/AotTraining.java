package org.vrrpagent.agent.aot;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.vrrpagent.agent.cli.VrrpAgentCommand;
import org.vrrpagent.agent.config.ControlConfig;
import org.vrrpagent.agent.control.ActionResult;
import org.vrrpagent.agent.control.ControlBackend;
import org.vrrpagent.agent.control.ControlServer;
import org.vrrpagent.agent.control.Demotion;
import org.vrrpagent.agent.control.StatusSnapshot;
import org.vrrpagent.agent.metrics.Metrics;
import picocli.CommandLine;

/**
 * The training run that builds the AOT cache (JEP 483/514) at package time: {@code bin/vrrp-agent}
 * runs this class instead of the CLI when {@code VRRP_AGENT_AOT_TRAIN=FILE} is set, with {@code
 * -XX:AOTCacheOutput=FILE}, so the cache is made with the launcher's own JVM options and class
 * path.
 *
 * <p>It is safe anywhere, root or not: it never opens a raw socket, never adds an address and never
 * sends a packet. What it runs, in-process, is what a start and a CLI call load:
 *
 * <ul>
 *   <li>{@code validate} of every example configuration (the configuration's one load path, which
 *       {@code run} takes first);
 *   <li>{@code demo --simulate}: the real engine, priority tracking and notifications on the
 *       simulated LAN, in virtual time;
 *   <li>the control API server on a unix socket in a temporary directory (no TCP listener), with a
 *       stand-in backend and the real metrics registry, and the CLI's {@code status}, {@code
 *       demote}, {@code promote}, {@code rotate} and {@code reload} against it.
 * </ul>
 *
 * Arguments: the examples directory.
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: AotTraining EXAMPLES_DIR");
      System.exit(2);
    }
    List<String> failed = new ArrayList<>();
    for (Path config : configs(Path.of(args[0]))) {
      run(failed, "validate", "--config", config.toString());
    }
    run(failed, "demo", "--simulate");
    Path dir = Files.createTempDirectory("vrrp-agent-aot-");
    Path socket = dir.resolve("control.sock");
    ControlServer server =
        new ControlServer(new StandInBackend(), new Metrics()::scrape, consumer -> () -> {});
    try {
      server.start(new ControlConfig(Optional.empty(), Optional.of(socket)));
      String control = "unix:" + socket;
      for (int i = 0; i < 3; i++) {
        run(failed, "status", "--control", control);
        run(failed, "status", "--json", "--control", control);
        run(failed, "demote", "rdns0", "--control", control);
        run(failed, "promote", "rdns0", "--control", control);
        run(failed, "rotate", "rdns0", "--control", control);
        run(failed, "reload", "--control", control);
      }
    } finally {
      server.close();
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
    if (!failed.isEmpty()) {
      System.err.println("AOT training: these did not exit 0: " + String.join("; ", failed));
      System.exit(1);
    }
    System.exit(0);
  }

  private static List<Path> configs(Path examples) {
    try (Stream<Path> files = Files.walk(examples, 2)) {
      return files.filter(p -> p.getFileName().toString().equals("agent.yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One CLI command in this JVM, its output discarded. */
  private static void run(List<String> failed, String... args) {
    CommandLine cli = VrrpAgentCommand.commandLine(args);
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    int code = cli.execute(args);
    if (code != 0) {
      failed.add(String.join(" ", args) + " (exit " + code + ": " + out.toString().strip() + ")");
    }
  }

  /**
   * A stand-in for the daemon behind the control API: answers every request for any instance,
   * changes nothing (the training run, and tests of the client commands).
   */
  public static final class StandInBackend implements ControlBackend {
    @Override
    public StatusSnapshot status() {
      StatusSnapshot.InstanceStatus rdns0 =
          new StatusSnapshot.InstanceStatus(
              "rdns0",
              "MASTER",
              null,
              100,
              100,
              List.of(),
              null,
              "198.18.0.1",
              100,
              List.of("198.18.0.53/24"),
              Instant.now());
      return new StatusSnapshot("training", Instant.now(), List.of(rdns0), List.of(), List.of());
    }

    @Override
    public ActionResult demote(String instance, Demotion demotion) {
      return ActionResult.done(instance + ": demoted " + demotion.describe() + " (training)");
    }

    @Override
    public ActionResult promote(String instance) {
      return ActionResult.done(instance + ": demotion lifted (training)");
    }

    @Override
    public ActionResult rotate(String instance) {
      return ActionResult.done(instance + ": rotation started");
    }

    @Override
    public ActionResult reload() {
      return ActionResult.done("reloaded (training)");
    }
  }
}
