package org.vrrpagent.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vrrpagent.base.DurationText;

/**
 * Durations as operators write them: {@code 500ms}, {@code 1s}, {@code 2m}, {@code 1h}, {@code
 * 14d}.
 */
public final class DurationSyntax {
  private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,9})([a-zA-Z]*)");
  private static final String UNITS = "ms, s, m, h or d";

  private DurationSyntax() {}

  /**
   * @throws IllegalArgumentException with a message that starts with the offending text and ends in
   *     {@code (expected: …)}
   */
  public static Duration parse(String text) {
    Matcher m = SYNTAX.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\""
              + YamlNode.abbreviate(text)
              + "\" is not a duration (expected: a whole number with a unit "
              + UNITS
              + ", e.g. 500ms or 2s)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      case "" ->
          throw new IllegalArgumentException(
              "\"" + text + "\" has no unit (expected: a unit " + UNITS + ", e.g. " + n + "s)");
      default ->
          throw new IllegalArgumentException(
              "\""
                  + YamlNode.abbreviate(text)
                  + "\": unknown duration unit \""
                  + YamlNode.abbreviate(m.group(2))
                  + "\" (expected: "
                  + UNITS
                  + ")");
    };
  }

  /**
   * The shortest exact form: 1s, 500ms, 2m (one formatter for the whole agent: {@link
   * DurationText}).
   */
  public static String format(Duration d) {
    return DurationText.of(d);
  }
}
