package org.vrrpagent.core.wire;

/**
 * How a VRRPv3 IPv4 checksum is computed. RFC 5798 §5.2.8 includes the IPv4 pseudo-header, as
 * keepalived and FRR do by default; RFC 9568 §5.2.8 clarified that for IPv4 the checksum covers the
 * VRRP message only. Receivers accept both. VRRPv2 always uses {@link #MESSAGE_ONLY}; IPv6 always
 * uses {@link #PSEUDO_HEADER} (RFC 8200 §8.1).
 */
public enum ChecksumMode {
  PSEUDO_HEADER,
  MESSAGE_ONLY
}
