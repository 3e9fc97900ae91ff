/**
 * The agent's configuration: {@link org.vrrpagent.agent.config.ConfigLoader#load} reads the YAML
 * file into a validated, immutable {@link org.vrrpagent.agent.config.Config}, or throws a {@link
 * org.vrrpagent.agent.config.ConfigException} listing every problem as {@code FILE:LINE:COL: what
 * is wrong (expected: …)}.
 *
 * <p>How: Jackson's YAML streaming parser builds a small tree whose nodes keep their line and
 * column ({@code YamlTreeReader}); {@code ConfigBinder} reads it key by key with {@code
 * MappingReader}, which reports wrong types, ranges and unknown keys at their position and carries
 * on, then applies the rules that span keys (family per version, duplicate VRIDs, references
 * between instances, checks, sync groups, hooks). Binding by hand rather than with databind is what
 * lets every problem be collected, with its position, in one pass.
 *
 * <p>{@link org.vrrpagent.agent.config.FileRules} decides what is checked about the files a
 * configuration names; {@link org.vrrpagent.agent.config.ScriptSecurity} is keepalived's script
 * security for an agent running as root.
 */
package org.vrrpagent.agent.config;
