package org.vrrpagent.agent.config;

import java.util.Objects;
import org.vrrpagent.core.wire.AuthType;

/**
 * VRRPv2 authentication (keepalived's {@code authentication { auth_type PASS }}). Only {@link
 * AuthType#SIMPLE_TEXT} is supported; the password is at most {@link #MAX_PASSWORD_BYTES} bytes, as
 * it travels in the advert's 8 auth bytes.
 */
public record AuthConfig(AuthType type, String password) {
  public static final int MAX_PASSWORD_BYTES = 8;

  public AuthConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "AuthConfig[type=" + type + ", password=(hidden)]";
  }
}
