package org.vrrpagent.checks;

/**
 * A probe or check option an operator wrote that cannot work. The message is the whole sentence an
 * operator reads, {@code type "T-X-T" (expected: a record type such as A, AAAA, TXT, SOA)}; {@link
 * #key()} names the YAML key it is about, so the configuration loader can put the file, line and
 * column of that key in front of it. This is the only validation of probe options: the
 * configuration binds straight to the spec records, whose constructors throw this.
 */
public final class InvalidOptionException extends IllegalArgumentException {
  private final String key;
  private final int item;
  private final boolean aboutKey;

  /**
   * @param key the YAML key in the probe's (or check's) mapping, e.g. {@code type}; empty for the
   *     probe as a whole (a rule across keys)
   * @param message what is wrong and what was expected
   */
  public InvalidOptionException(String key, String message) {
    this(key, -1, false, message);
  }

  private InvalidOptionException(String key, int item, boolean aboutKey, String message) {
    super(message);
    this.key = key;
    this.item = item;
    this.aboutKey = aboutKey;
  }

  /** About entry {@code item} (from 0) of the list under {@code key}. */
  public static InvalidOptionException item(String key, int item, String message) {
    return new InvalidOptionException(key, item, false, message);
  }

  /** About {@code key} being there at all (it contradicts another key), not about its value. */
  public static InvalidOptionException presence(String key, String message) {
    return new InvalidOptionException(key, -1, true, message);
  }

  /** The list entry this is about (from 0), or -1. */
  public int item() {
    return item;
  }

  /** True when this is about the key being there, not about its value. */
  public boolean aboutKey() {
    return aboutKey;
  }

  /** The YAML key this is about, or empty when it is about the probe (or check) as a whole. */
  public String key() {
    return key;
  }
}
