package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived's script security on the real file system. Changing owners needs root: the tests run
 * as root (as CI does) and fail when not, unless -Dvrrp.skipLab=true.
 */
class ScriptSecurityTest {
  private static final int SOMEONE = 4242;
  @TempDir Path dir;
  private Path script;

  @BeforeEach
  void needsRoot() throws Exception {
    if (Boolean.getBoolean("vrrp.skipLab")) {
      assumeThat(ScriptSecurity.runningAsRoot())
          .as("skipped: not root and -Dvrrp.skipLab=true")
          .isTrue();
    }
    assertThat(ScriptSecurity.runningAsRoot())
        .as("these tests change file owners and must run as root")
        .isTrue();
    script = dir.resolve("check");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void aRootOwnedScriptThatOnlyRootCanWriteIsAccepted() {
    assertThat(new ScriptSecurity(true).executable(script)).isEmpty();
  }

  @Test
  void aWorldWritableScriptIsRefused() throws Exception {
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xrwx"));
    Path real = script.toRealPath();
    assertThat(new ScriptSecurity(true).executable(script))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .isEqualTo(
                        real
                            + " is world-writable while the agent runs as root"
                            + " (expected: owned by root and not group- or world-writable; keepalived's script security)"));
  }

  @Test
  void aScriptOwnedByAnotherUserIsRefused() throws Exception {
    Files.setAttribute(script, "unix:uid", SOMEONE);
    Path real = script.toRealPath();
    assertThat(new ScriptSecurity(true).executable(script))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .startsWith(
                        real + " is owned by uid " + SOMEONE + " while the agent runs as root"));
  }

  @Test
  void groupWritableIsRefusedOnlyForANonRootGroup() throws Exception {
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxr-x"));
    Files.setAttribute(script, "unix:gid", 0);
    assertThat(new ScriptSecurity(true).executable(script)).isEmpty();
    Files.setAttribute(script, "unix:gid", SOMEONE);
    assertThat(new ScriptSecurity(true).executable(script))
        .hasValueSatisfying(m -> assertThat(m).contains("is writable by group gid " + SOMEONE));
  }

  @Test
  void aDirectoryAboveOwnedByAnotherUserIsRefused() throws Exception {
    Files.setAttribute(dir, "unix:uid", SOMEONE);
    Path real = dir.toRealPath();
    assertThat(new ScriptSecurity(true).executable(script))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .startsWith(
                        real + " (a directory above " + script + ") is owned by uid " + SOMEONE));
  }

  @Test
  void aSymlinkIsJudgedByItsTarget() throws Exception {
    Path link = dir.resolve("link");
    Files.createSymbolicLink(link, script);
    assertThat(new ScriptSecurity(true).executable(link)).isEmpty();
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xrwx"));
    assertThat(new ScriptSecurity(true).executable(link))
        .hasValueSatisfying(m -> assertThat(m).contains("is world-writable"));
  }

  @Test
  void withoutRootOnlyExistenceAndExecutabilityCount() throws Exception {
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xrwx"));
    assertThat(new ScriptSecurity(false).executable(script)).isEmpty();
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(new ScriptSecurity(false).executable(script))
        .contains(
            "program " + script + " is not an executable file (expected: chmod 755 or similar)");
    assertThat(new ScriptSecurity(false).executable(dir.resolve("missing")))
        .contains(
            "program "
                + dir.resolve("missing")
                + " does not exist (expected: an existing executable file)");
  }

  @Test
  void aWorldWritableConfigFileIsRefusedByTheLoader() throws Exception {
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        instances:
          dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24] }
        notify:
          hooks:
            - exec: [%s]
        """
            .formatted(script));
    assertThat(ConfigLoader.load(config, new ScriptSecurity(true)).notifications().hooks())
        .hasSize(1);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxrwx"));
    var e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.load(config, new ScriptSecurity(true)));
    Path realConfig = config.toRealPath();
    Path realScript = script.toRealPath();
    assertThat(e.errors())
        .extracting(ConfigError::toString)
        .satisfiesExactly(
            first ->
                assertThat(first).startsWith(config + ": " + realConfig + " is world-writable"),
            second ->
                assertThat(second)
                    .startsWith(config + ":5:14: " + realScript + " is world-writable"));
  }
}
