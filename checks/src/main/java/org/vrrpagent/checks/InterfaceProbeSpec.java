package org.vrrpagent.checks;

/**
 * {@code interface}: link state of a network interface from {@code /sys/class/net/NAME/}.
 *
 * @param name the interface; required, at most 15 characters
 * @param source YAML {@code source}: {@code operstate} (up when "up", or "unknown" with carrier —
 *     loopback and some virtual links report unknown) or {@code carrier} (up when carrier is 1);
 *     default operstate
 */
public record InterfaceProbeSpec(String name, String source) implements ProbeSpec {

  public static final String DEFAULT_SOURCE = "operstate";
  public static final int MAX_NAME_CHARS = 15;

  public InterfaceProbeSpec {
    name = OptionRules.required(name, "name", "an interface name");
    if (name.length() > MAX_NAME_CHARS
        || name.equals(".")
        || name.equals("..")
        || !name.matches("[^/:\\s]+")) {
      throw OptionRules.invalid(
          "name",
          "name "
              + OptionRules.quote(name)
              + " is not an interface name (expected: 1.."
              + MAX_NAME_CHARS
              + " characters without \"/\", \":\" or spaces)");
    }
    source = source == null ? DEFAULT_SOURCE : source.strip();
    if (!source.equals("operstate") && !source.equals("carrier")) {
      throw OptionRules.invalid(
          "source", "source " + OptionRules.quote(source) + " (expected: operstate or carrier)");
    }
  }

  @Override
  public String kind() {
    return "interface";
  }

  @Override
  public String describe() {
    return "interface " + name + " " + source;
  }
}
