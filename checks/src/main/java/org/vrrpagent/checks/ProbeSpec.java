package org.vrrpagent.checks;

/**
 * The configuration of one probe. One record per probe type; the record's component names are the
 * YAML keys in camelCase ({@code expect-status} → {@code expectStatus}). A {@code null} component
 * means "use the default" and is replaced by the default in the constructor, so accessors never
 * return null. Every default and limit is a named constant on the record. Constructors throw {@link
 * IllegalArgumentException} whose message names the key, what was found and what was expected.
 */
public sealed interface ProbeSpec
    permits DnsProbeSpec,
        HttpProbeSpec,
        TcpProbeSpec,
        ProcessProbeSpec,
        ScriptProbeSpec,
        FileProbeSpec,
        InterfaceProbeSpec {

  /** The YAML key of this probe kind: {@code dns}, {@code http}, … */
  String kind();

  /** One short line for tables and logs: {@code "dns 127.0.0.1 cam.ac.uk TXT"}. */
  String describe();
}
