package org.vrrpagent.agent.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration was refused; {@link #errors()} holds every problem found, in file order.
 *
 * <p>It carries no stack trace: the errors are the whole message, users see them as {@code
 * FILE:LINE:COL: …} lines, and where in the loader a problem was found tells them nothing.
 */
public final class ConfigException extends Exception {
  private final List<ConfigError> errors;

  public ConfigException(List<ConfigError> errors) {
    super(
        errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")),
        null,
        false,
        false);
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  public List<ConfigError> errors() {
    return errors;
  }
}
