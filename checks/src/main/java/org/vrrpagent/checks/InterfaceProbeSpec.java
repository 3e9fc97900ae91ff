package org.vrrpagent.checks;

/**
 * {@code interface}: link state of a network interface from {@code /sys/class/net/NAME/}.
 *
 * @param name   the interface; required, at most 15 characters
 * @param source YAML {@code source}: {@code operstate} (up when "up", or "unknown" with carrier — loopback and
 *               some virtual links report unknown) or {@code carrier} (up when carrier is 1); default operstate
 */
public record InterfaceProbeSpec(String name, String source) implements ProbeSpec {

    public static final String DEFAULT_SOURCE = "operstate";
    public static final int MAX_NAME_CHARS = 15;

    public InterfaceProbeSpec {
        name = SpecChecks.requireText(name, "interface.name");
        if (name.length() > MAX_NAME_CHARS || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("interface.name: " + name + " (expected: an interface name of at most 15 characters)");
        }
        source = source == null ? DEFAULT_SOURCE : source.strip();
        if (!source.equals("operstate") && !source.equals("carrier")) {
            throw new IllegalArgumentException("interface.source: " + source + " (expected: operstate or carrier)");
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
