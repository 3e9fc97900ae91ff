package org.vrrpagent.agent.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Rules for the files a configuration names, applied while loading so that each problem is
 * reported at the line that names the file. {@link #NONE} checks nothing (syntax and
 * semantics only, e.g. on a build machine); {@link ScriptSecurity} is what {@code run} uses.
 */
public interface FileRules {
  FileRules NONE = new FileRules() {};

  /** A program the agent executes (script probe, hook): a problem, or empty when acceptable. */
  default Optional<String> executable(Path program) {
    return Optional.empty();
  }

  /** A file holding a secret (SMTP password). */
  default Optional<String> secret(Path file) {
    return Optional.empty();
  }

  /** The configuration file itself. */
  default Optional<String> configFile(Path file) {
    return Optional.empty();
  }
}
