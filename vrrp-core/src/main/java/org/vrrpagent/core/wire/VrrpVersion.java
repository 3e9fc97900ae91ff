package org.vrrpagent.core.wire;

/** The VRRP version nibble: 2 (RFC 3768) or 3 (RFC 5798 / RFC 9568). */
public enum VrrpVersion {
  V2((byte) 2),
  V3((byte) 3);

  private final byte value;

  VrrpVersion(byte value) {
    this.value = value;
  }

  public byte byteValue() {
    return value;
  }

  /**
   * @throws IllegalArgumentException for any value other than 2 or 3
   */
  public static VrrpVersion valueOf(byte value) {
    return switch (value) {
      case 2 -> V2;
      case 3 -> V3;
      default ->
          throw new IllegalArgumentException("VRRP version " + value + " (expected: 2 or 3)");
    };
  }
}
