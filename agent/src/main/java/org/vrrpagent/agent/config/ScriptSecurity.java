package org.vrrpagent.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * keepalived's {@code enable_script_security}: an agent running as root refuses a configuration
 * file, script or hook that a user other than root could change, because whoever can change it can
 * run code as root. A file is refused when it, or any directory above it, is owned by a non-root
 * user, or is group-writable by a non-root group, or is world-writable (a root-owned sticky
 * directory such as /tmp is fine: others cannot replace a root-owned file in it). Symbolic links
 * are followed and the target is checked.
 *
 * <p>Programs must also exist and be executable, whoever runs the agent.
 */
public final class ScriptSecurity implements FileRules {
  private final boolean asRoot;

  /**
   * @param asRoot apply the ownership rules (only meaningful for an agent running as root)
   */
  public ScriptSecurity(boolean asRoot) {
    this.asRoot = asRoot;
  }

  /** The rules for this process: ownership rules when running as root. */
  public static ScriptSecurity forCurrentProcess() {
    return new ScriptSecurity(runningAsRoot());
  }

  /** True when this process's effective user is root. */
  public static boolean runningAsRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return uid instanceof Integer i && i == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /**
   * The interface as the daemon would open it: read in this process's network namespace. An
   * interface that is missing here is {@link LinkFacts.Missing}: the daemon could not open it
   * either.
   */
  @Override
  public LinkFacts link(String name) {
    try {
      return new LinkFacts.Present(org.vrrpagent.core.linux.InterfaceFacts.read(name).addresses());
    } catch (org.vrrpagent.core.io.TransportException e) {
      return new LinkFacts.Missing();
    }
  }

  @Override
  public Optional<String> executable(Path program) {
    if (!Files.exists(program)) {
      return Optional.of(
          "program " + program + " does not exist (expected: an existing executable file)");
    }
    if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
      return Optional.of(
          "program " + program + " is not an executable file (expected: chmod 755 or similar)");
    }
    return asRoot ? writableByOthers(program) : Optional.empty();
  }

  @Override
  public Optional<String> priorityOrderFile(Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      return Optional.of(
          "priority-order file "
              + file
              + (Files.exists(file) ? " is not a readable file" : " does not exist")
              + " (expected: the file listing the nodes, best first, readable at start; at a reload a missing file is only a warning)");
    }
    return Optional.empty();
  }

  @Override
  public void probe(org.vrrpagent.checks.ProbeSpec spec) {
    org.vrrpagent.checks.probe.ProbeFactory.checkHere(spec);
  }

  @Override
  public Optional<String> secret(Path file) {
    if (!Files.isReadable(file)) {
      return Optional.of("file " + file + " is missing or unreadable (expected: a readable file)");
    }
    if (!Files.isRegularFile(file)) {
      // A FIFO would block whoever reads the secret (the mail thread, an action) for ever.
      return Optional.of(
          "file " + file + " is not a regular file (expected: a file holding the secret)");
    }
    return asRoot ? writableByOthers(file) : Optional.empty();
  }

  @Override
  public Optional<String> configFile(Path file) {
    return asRoot ? writableByOthers(file) : Optional.empty();
  }

  /**
   * Why a user other than root could change {@code file} (or a directory above it), or empty.
   * Usable on its own, e.g. by {@code run} for files it opens later.
   */
  public static Optional<String> writableByOthers(Path file) {
    Path real;
    try {
      real = file.toRealPath();
    } catch (IOException e) {
      return Optional.of(
          file + " cannot be resolved: " + e.getMessage() + " (expected: an existing file)");
    }
    boolean leaf = true;
    for (Path p = real; p != null; p = p.getParent()) {
      Optional<String> problem = ownershipProblem(p, leaf);
      if (problem.isPresent()) {
        String what = leaf ? "" : " (a directory above " + file + ")";
        return Optional.of(
            p
                + what
                + " "
                + problem.get()
                + " while the agent runs as root (expected: owned by root and not group- or world-writable; keepalived's script security)");
      }
      leaf = false;
    }
    return Optional.empty();
  }

  private static Optional<String> ownershipProblem(Path p, boolean leaf) {
    Map<String, Object> attributes;
    try {
      attributes = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.of("cannot be inspected: " + e.getMessage());
    }
    int uid = (Integer) attributes.get("uid");
    int gid = (Integer) attributes.get("gid");
    int mode = (Integer) attributes.get("mode");
    boolean sticky = (mode & 01000) != 0;
    boolean groupWritable = (mode & 0020) != 0;
    boolean worldWritable = (mode & 0002) != 0;
    if (uid != 0) {
      return Optional.of("is owned by uid " + uid);
    }
    if (!leaf && sticky) {
      return Optional.empty(); // others may add files here but not replace root's
    }
    if (groupWritable && gid != 0) {
      return Optional.of("is writable by group gid " + gid);
    }
    if (worldWritable) {
      return Optional.of("is world-writable");
    }
    return Optional.empty();
  }
}
