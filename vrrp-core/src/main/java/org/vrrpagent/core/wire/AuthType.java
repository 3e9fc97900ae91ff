package org.vrrpagent.core.wire;

/** VRRPv2 authentication type (RFC 3768 §5.3.6; RFC 2338 for the values 1 and 2). */
public enum AuthType {
  /** 0: no authentication; the 8 auth bytes are zero. */
  NONE((byte) 0),
  /** 1: simple text password, 8 bytes (keepalived's {@code auth_type PASS}). */
  SIMPLE_TEXT((byte) 1),
  /** 2: IP Authentication Header (RFC 2338); obsolete, not supported. */
  IP_AH((byte) 2);

  private final byte value;

  AuthType(byte value) {
    this.value = value;
  }

  public byte byteValue() {
    return value;
  }

  public static AuthType valueOf(byte value) {
    return switch (value) {
      case 0 -> NONE;
      case 1 -> SIMPLE_TEXT;
      case 2 -> IP_AH;
      default ->
          throw new IllegalArgumentException("auth type " + value + " (expected: 0, 1 or 2)");
    };
  }
}
