package org.vrrpagent.core.wire;

/**
 * A received packet failed a receive rule; the message says what was found and what was expected.
 */
public final class MalformedAdvertisementException extends Exception {
  private final DropReason reason;

  public MalformedAdvertisementException(DropReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public DropReason reason() {
    return reason;
  }
}
