package org.vrrpagent.core.wire;

/**
 * Why a received packet was dropped. Each receive rule has its own reason, and each reason its own
 * counter ({@code vrrp_rx_dropped_total{reason="…"}}, label {@link #label()}). The codec produces
 * the packet reasons; the virtual router adds the policy ones.
 */
public enum DropReason {
  // Packet reasons, in the order AdvertisementCodec.decode checks them (RFC 9568 §7.1).
  TTL("ttl"),
  TOO_SHORT("too_short"),
  NOT_VRRP("not_vrrp"),
  VERSION("version"),
  TYPE("type"),
  LENGTH("length"),
  CHECKSUM("checksum"),
  ADDRESS_FAMILY("address_family"),
  ZERO_INTERVAL("zero_interval"),
  /** The source address is unspecified (0.0.0.0, ::): no router sends from it. */
  UNSPECIFIED_SOURCE("unspecified_source"),
  // Policy reasons, checked by the virtual router against its configuration.
  VRID("vrid"),
  // Receive hardening (the virtual router's ReceivePolicy), checked before anything else of the
  // advert.
  /** Multicast mode: the advert was sent to a unicast address, not to the group. */
  UNICAST_DESTINATION("unicast_destination"),
  /** Multicast mode with an allow-list ({@code accept-from}): the source is not on it. */
  SOURCE_NOT_ALLOWED("source_not_allowed"),
  /** Multicast mode, IPv6: the source is not a link-local address (RFC 9568 §5.1.2.1). */
  SOURCE_NOT_LINK_LOCAL("source_not_link_local"),
  /** Multicast mode, IPv4 ({@code on-link-only}): the source is in no subnet of the interface. */
  SOURCE_NOT_ON_LINK("source_not_on_link"),
  /**
   * VRRPv3: the advert's interval is longer than the backup will learn ({@code
   * max-learned-interval}).
   */
  INTERVAL_TOO_LONG("interval_too_long"),
  VERSION_MISMATCH("version_mismatch"),
  AUTH("auth"),
  INTERVAL_MISMATCH("interval_mismatch"),
  ADDRESS_LIST_MISMATCH("address_list_mismatch"),
  OWN_ADVERTISEMENT("own_advertisement"),
  UNKNOWN_PEER("unknown_peer"),
  /**
   * Unicast: the TTL / hop limit of an advert from a configured peer lies outside that peer's
   * {@code min-ttl}..{@code max-ttl} window (a window other than the RFC's exact 255; with the
   * default the reason is {@link #TTL}).
   */
  PEER_TTL("peer_ttl"),
  // vrrp-agent's own advert authentication (auth type hmac-sha256, HmacTrailer), checked before
  // the advert is decoded.
  /** No hmac-sha256 trailer: a sender without the setting (or not vrrp-agent). */
  HMAC_MISSING("hmac_missing"),
  /** The trailer's HMAC does not verify: another secret, or the packet was changed. */
  HMAC_MISMATCH("hmac_mismatch"),
  /**
   * The sequence is not above the last one accepted from that peer: a replayed or reordered advert.
   */
  HMAC_REPLAY("hmac_replay"),
  /**
   * The sequence (the sender's clock) is further from ours than the replay window: clocks apart, or
   * an old advert replayed.
   */
  HMAC_STALE("hmac_stale"),
  /** The virtual router is in INIT or FAULT and takes no part in elections. */
  NOT_RUNNING("not_running"),
  // Runtime reasons.
  /** The engine could not keep up: its queue of received packets was full. */
  QUEUE_FULL("queue_full");

  private final String label;

  DropReason(String label) {
    this.label = label;
  }

  /** The metric label value. */
  public String label() {
    return label;
  }
}
