package org.vrrpagent.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.vrrpagent.core.io.InterfaceAddress;

/**
 * Rules for the files a configuration names, applied while loading so that each problem is reported
 * at the line that names the file. {@link #NONE} checks nothing (syntax and semantics only, e.g. on
 * a build machine); {@link ScriptSecurity} is what {@code run} uses.
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

  /**
   * What making a probe would refuse on this host (an https probe's {@code ca-file}, a script's
   * {@code user}), so that {@code validate} refuses it too.
   *
   * @throws org.vrrpagent.checks.InvalidOptionException naming the key
   */
  default void probe(org.vrrpagent.checks.ProbeSpec spec) {}

  /** A priority-order file: at start it must exist (at a reload a missing one is a warning). */
  default Optional<String> priorityOrderFile(Path file) {
    return Optional.empty();
  }

  /** A hook's program (notify.hooks); by default the rule for every program. */
  default Optional<String> hook(Path program) {
    return executable(program);
  }

  /**
   * These rules as a reload applies them: a missing priority-order file is not a reason to refuse
   * the new configuration (a warning is logged, and every host is unlisted in the file until it
   * appears, as whenever it is missing), everything else as at start.
   */
  default FileRules atReload() {
    FileRules start = this;
    return new Delegating(start) {
      @Override
      public Optional<String> priorityOrderFile(Path file) {
        return Optional.empty();
      }
    };
  }

  /**
   * These rules for {@code vrrp-agent checks}, which runs the probes and nothing else: hook
   * programs, the SMTP password file and priority-order files are not looked at.
   */
  default FileRules checksOnly() {
    FileRules all = this;
    return new Delegating(all) {
      @Override
      public Optional<String> hook(Path program) {
        return Optional.empty();
      }

      @Override
      public Optional<String> secret(Path file) {
        return Optional.empty();
      }

      @Override
      public Optional<String> priorityOrderFile(Path file) {
        return Optional.empty();
      }
    };
  }

  /**
   * What this host says about a network interface, for the rules that depend on its link (a unicast
   * peer with the RFC's TTL 255 must be on a subnet of it).
   */
  sealed interface LinkFacts {
    /** These rules look at no host (syntax only, e.g. on a build machine). */
    record NotChecked() implements LinkFacts {}

    /** There is no such interface on this host (in this network namespace). */
    record Missing() implements LinkFacts {}

    /** The interface and its addresses with their prefix lengths. */
    record Present(List<InterfaceAddress> addresses) implements LinkFacts {
      public Present {
        addresses = List.copyOf(addresses);
      }
    }
  }

  /** The addresses of interface {@code name} on this host; by default not looked at. */
  default LinkFacts link(String name) {
    return new LinkFacts.NotChecked();
  }

  /** Every rule of another set, for variants that drop some. */
  class Delegating implements FileRules {
    private final FileRules rules;

    protected Delegating(FileRules rules) {
      this.rules = rules;
    }

    @Override
    public Optional<String> executable(Path program) {
      return rules.executable(program);
    }

    @Override
    public Optional<String> secret(Path file) {
      return rules.secret(file);
    }

    @Override
    public void probe(org.vrrpagent.checks.ProbeSpec spec) {
      rules.probe(spec);
    }

    @Override
    public Optional<String> priorityOrderFile(Path file) {
      return rules.priorityOrderFile(file);
    }

    @Override
    public Optional<String> hook(Path program) {
      return rules.hook(program);
    }

    @Override
    public Optional<String> configFile(Path file) {
      return rules.configFile(file);
    }

    @Override
    public LinkFacts link(String name) {
      return rules.link(name);
    }
  }

  /** The configuration file itself. */
  default Optional<String> configFile(Path file) {
    return Optional.empty();
  }
}
