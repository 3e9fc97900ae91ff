package org.vrrpagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = VrrpAgentCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void aValidFileExitsZero() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        "node: h1\ninstances:\n  dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24] }\n");
    assertThat(run("validate", "--config", file.toString())).isZero();
    assertThat(out.toString())
        .isEqualTo(file + ": valid (1 instance, 0 checks, node h1)" + System.lineSeparator());
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void anInvalidFileExitsTwoAndPrintsEveryProblemOnStderr() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        "instances:\n  dns0:\n    interface: eth0\n    vrid: 0\n    addresses: [198.18.0.100/24]\n    priority: 300\n");
    assertThat(run("validate", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            file + ":4:11: VRID 0 out of range (expected: 1..255)",
            file + ":6:15: priority 300 out of range (expected: 1..255)",
            "2 problems; configuration refused");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aMissingHookProgramIsAProblemUnlessSyntaxOnly() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Path hook = dir.resolve("no-such-hook");
    Files.writeString(
        file,
        """
        instances:
          dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24] }
        notify:
          hooks:
            - exec: [%s]
        """
            .formatted(hook));
    assertThat(run("validate", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains(file + ":5:14: program " + hook + " does not exist");
    assertThat(run("validate", "--syntax-only", "-c", file.toString())).isZero();
  }

  @Test
  void checksDoesNotRequireTheHooksTheMailPasswordOrThePriorityFile() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        """
        instances:
          dns0:
            interface: eth0
            vrid: 51
            addresses: [198.18.0.100/24]
            priority-order: { file: priority.dns, ranks: [250, 200] }
        notify:
          hooks:
            - exec: [./no-such-hook]
          email:
            smtp: { host: localhost, username: vrrp, password-file: smtp.pass }
            from: vrrp-agent@example.org
            to: [hostmaster@example.org]
        """);
    assertThat(run("validate", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(":6:29: priority-order file " + dir.resolve("priority.dns") + " does not exist")
        .contains(":9:14: program " + dir.resolve("no-such-hook") + " does not exist")
        .contains("file " + dir.resolve("smtp.pass") + " is missing or unreadable");
    // checks runs probes only (none here): what it never uses is not a reason to refuse.
    assertThat(run("checks", "-c", file.toString())).isZero();
    assertThat(out.toString()).contains("no checks configured");
  }

  /**
   * The zone file and the TSIG key file are read by validate (and at run time) like every file
   * operators edit: a FIFO in their place is refused at its line instead of blocking the reader for
   * ever, and a file that is not UTF-8 is refused with the offset of its first bad byte.
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoOrNonUtf8ZoneOrKeyFileIsRefusedNotWaitedOn() throws Exception {
    Path example = Path.of("..", "examples", "geo-pair");
    try (Stream<Path> files = Files.list(example)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Path file = dir.resolve("blowfish.yaml");
    assertThat(run("validate", "-c", file.toString())).as(err.toString()).isZero();

    Path zone = dir.resolve("example.org.zone");
    Path key = dir.resolve("tsig.key");
    Files.delete(zone);
    Files.delete(key);
    mkfifo(zone);
    mkfifo(key);
    assertThat(run("validate", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("zone file " + zone + " is not a regular file (expected: a zone file, not a FIFO")
        .contains("file " + key + " is not a regular file (expected: a file holding the secret)");
    // --syntax-only does not judge files, but what it reads it reads with the same limits.
    err.getBuffer().setLength(0);
    assertThat(run("validate", "--syntax-only", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "secret-file "
                + key
                + ": not a regular file (expected: a TSIG key file, not a FIFO or device)");

    Files.delete(zone);
    Files.write(zone, new byte[] {'@', ' ', (byte) 0xff, '\n'});
    err.getBuffer().setLength(0);
    assertThat(run("validate", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "zone file "
                + zone
                + " is not UTF-8 text (malformed byte at offset 2; expected: a zone file)");
  }

  /** The same for an https check's ca-file, the SMTP password file and a CARP password-file. */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoAsCaFileOrPasswordFileIsRefusedNotWaitedOn() throws Exception {
    Path fifo = dir.resolve("fifo");
    mkfifo(fifo);
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        """
        node: h1
        checks:
          web: { http: { url: "https://127.0.0.1:8443/", ca-file: fifo } }
        instances:
          dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24], track: [{ check: web }] }
          ns:
            protocol: carp
            interface: eth0
            vhid: 60
            password-file: fifo
            addresses: [198.18.1.110/24]
        notify:
          email:
            smtp: { host: localhost, username: vrrp, password-file: fifo }
            from: vrrp-agent@example.org
            to: [hostmaster@example.org]
        """);
    assertThat(run("validate", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            file
                + ":3:59: ca-file "
                + fifo
                + " is not a regular file (expected: a file of PEM certificates, not a FIFO or"
                + " device)")
        .contains(
            file + ":10:20: file " + fifo + " is not a regular file (expected: a file holding")
        .contains(
            file + ":14:61: file " + fifo + " is not a regular file (expected: a file holding");
    err.getBuffer().setLength(0);
    assertThat(run("validate", "--syntax-only", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "CARP password-file "
                + fifo
                + " is not a regular file (expected: the passphrase on its first line, not a FIFO"
                + " or device)");
  }

  private static void mkfifo(Path path) throws Exception {
    Process p = new ProcessBuilder("mkfifo", path.toString()).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
  }

  @Test
  void checksPrintsLatencyAsStatusDoesInEveryLocale() throws Exception {
    Path weight = Files.writeString(dir.resolve("weight"), "0\n");
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        """
        checks:
          maintenance: { file: { path: %s } }
        instances:
          dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24], track: [{ check: maintenance }] }
        """
            .formatted(weight));
    java.util.Locale before = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.GERMANY);
      assertThat(run("checks", "-c", file.toString())).as(err.toString()).isZero();
    } finally {
      java.util.Locale.setDefault(before);
    }
    assertThat(out.toString()).containsPattern("(?m)^maintenance +up +\\d+\\.\\dms +file ");
  }

  @Test
  void theDefaultPathIsTheSystemOne() {
    assertThat(run("validate", "--help")).isZero();
    assertThat(out.toString()).contains("/etc/vrrp-agent/agent.yaml");
  }
}
