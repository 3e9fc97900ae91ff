package org.vrrpagent.core.linux;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.core.io.InterfaceAddress;

/**
 * The rtnetlink messages the address table sends and reads (linux/netlink.h, linux/rtnetlink.h,
 * linux/if_addr.h), with no socket: requests are encoded to bytes, a received datagram is decoded
 * to {@link Message}s. Integers are in the host's byte order, as netlink wants them; addresses in
 * network order.
 *
 * <p>Encoded requests, as {@code ip addr add|del} sends them: {@code RTM_NEWADDR} with {@code
 * NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL}, {@code RTM_DELADDR} with {@code
 * NLM_F_REQUEST|NLM_F_ACK}; an {@code ifaddrmsg} (family, prefix length, flags, scope, interface
 * index) and the attributes {@code IFA_LOCAL} and {@code IFA_ADDRESS} (both the address: no peer),
 * no {@code IFA_BROADCAST} and no {@code IFA_LABEL} (iproute2 sets neither unless asked with {@code
 * brd}/{@code label}; the kernel labels an IPv4 address with the interface name). Scope is 0
 * (global) except host scope for 127.0.0.0/8, as iproute2 chooses; IPv6 addresses carry {@code
 * IFA_F_NODAD}. {@code RTM_GETADDR} with {@code NLM_F_DUMP} lists every address of every interface.
 *
 * <p>The decoder checks every length against what was read (message, header, attribute) and throws
 * {@link MalformedNetlinkException} with what it found and what it expected; it never reads outside
 * the datagram and returns at most {@link #MAX_MESSAGES_PER_DATAGRAM} messages. What it does not
 * need (links, routes, cache info) it skips by its length.
 */
public final class RtnetlinkCodec {
  // Message types (linux/netlink.h, linux/rtnetlink.h).
  static final int NLMSG_NOOP = 1;
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int NLMSG_OVERRUN = 4;
  static final int RTM_NEWADDR = 20;
  static final int RTM_DELADDR = 21;
  static final int RTM_GETADDR = 22;

  // Flags.
  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_MULTI = 0x2;
  static final int NLM_F_ACK = 0x4;
  static final int NLM_F_DUMP_INTR = 0x10;
  static final int NLM_F_DUMP = 0x300; // ROOT | MATCH
  static final int NLM_F_EXCL = 0x200;
  static final int NLM_F_CREATE = 0x400;
  static final int NLM_F_CAPPED = 0x100; // in an NLMSG_ERROR: the request's payload left out
  static final int NLM_F_ACK_TLVS = 0x200; // in an NLMSG_ERROR: extended-ack attributes follow

  // ifaddrmsg attributes and flags (linux/if_addr.h).
  static final int IFA_ADDRESS = 1;
  static final int IFA_LOCAL = 2;
  static final int IFA_LABEL = 3;
  static final int IFA_BROADCAST = 4;
  static final int IFA_FLAGS = 8;
  static final int IFA_F_NODAD = 0x02;
  static final int IFA_F_DADFAILED = 0x08;
  static final int IFA_F_TENTATIVE = 0x40;
  static final int RT_SCOPE_HOST = 254;

  // Extended ack attributes (linux/netlink.h).
  static final int NLMSGERR_ATTR_MSG = 1;

  static final int NLMSG_HDRLEN = 16;
  static final int IFADDRMSG_BYTES = 8;
  static final int RTA_HDRLEN = 4;
  static final int NLMSGERR_BYTES = 4 + NLMSG_HDRLEN;

  /** Most messages one datagram may hold (a 64 KiB dump part holds a few hundred addresses). */
  public static final int MAX_MESSAGES_PER_DATAGRAM = 4096;

  /** Longest extended-ack text we keep. */
  static final int MAX_EXT_ACK_CHARS = 256;

  private static final ByteOrder HOST = ByteOrder.nativeOrder();

  private RtnetlinkCodec() {}

  /** A datagram the decoder refuses: what was found, what was expected. */
  public static final class MalformedNetlinkException extends RuntimeException {
    public MalformedNetlinkException(String message) {
      super(message);
    }
  }

  /** One decoded netlink message. */
  public sealed interface Message {
    /** The sequence number the kernel copied from the request (events carry the sender's). */
    int sequence();

    /** Whether the kernel flagged a dump as interrupted (the table changed meanwhile). */
    default boolean dumpInterrupted() {
      return false;
    }
  }

  /**
   * {@code NLMSG_ERROR}: an acknowledgement ({@code errno} 0) or a refusal.
   *
   * @param errno the positive errno, 0 for an acknowledgement
   * @param requestType the type of the request it answers
   * @param detail the kernel's extended-ack text ("" when none)
   */
  public record Ack(int sequence, int errno, int requestType, String detail) implements Message {
    public Ack {
      if (errno < 0) {
        throw new IllegalArgumentException("errno " + errno + " (expected: 0 or positive)");
      }
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * {@code NLMSG_DONE}: the end of a dump; {@code errno} is not 0 when the dump failed.
   *
   * @param interrupted whether the dump was flagged inconsistent
   */
  public record Done(int sequence, int errno, boolean interrupted) implements Message {
    @Override
    public boolean dumpInterrupted() {
      return interrupted;
    }
  }

  /**
   * {@code RTM_NEWADDR} / {@code RTM_DELADDR}: an address (in a dump, an event, or a request).
   *
   * @param added true for {@code RTM_NEWADDR}, false for {@code RTM_DELADDR}
   * @param interfaceIndex the interface
   * @param address the local address ({@code IFA_LOCAL}, else {@code IFA_ADDRESS}, as iproute2
   *     shows it) with the prefix length
   * @param flags the address flags ({@code IFA_FLAGS} when present, else the header's byte)
   * @param scope the scope
   * @param label the IPv4 label ({@code IFA_LABEL}), "" when none
   * @param broadcast whether {@code IFA_BROADCAST} was present
   */
  public record AddressMessage(
      int sequence,
      boolean added,
      int interfaceIndex,
      InterfaceAddress address,
      int flags,
      int scope,
      String label,
      boolean broadcast,
      boolean interrupted)
      implements Message {
    public AddressMessage {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(label, "label");
      if (interfaceIndex <= 0) {
        throw new IllegalArgumentException(
            "interface index " + interfaceIndex + " (expected: positive)");
      }
      if (scope < 0 || scope > 255) {
        throw new IllegalArgumentException("scope " + scope + " (expected: 0..255)");
      }
    }

    @Override
    public boolean dumpInterrupted() {
      return interrupted;
    }
  }

  /** {@code NLMSG_OVERRUN}, or a type we do not read (skipped by its length). */
  public record Other(int sequence, int type, boolean interrupted) implements Message {
    @Override
    public boolean dumpInterrupted() {
      return interrupted;
    }
  }

  // ------------------------------------------------------------------ requests

  /** {@code RTM_NEWADDR} (add) or {@code RTM_DELADDR} (remove) with an acknowledgement asked. */
  public static byte[] addressChange(
      boolean add, int sequence, int interfaceIndex, InterfaceAddress address) {
    if (interfaceIndex <= 0) {
      throw new IllegalArgumentException(
          "interface index " + interfaceIndex + " (expected: positive)");
    }
    byte[] raw = address.address().getAddress();
    boolean v6 = address.address() instanceof Inet6Address;
    int length = NLMSG_HDRLEN + IFADDRMSG_BYTES + 2 * align(RTA_HDRLEN + raw.length);
    ByteBuffer b = ByteBuffer.allocate(length).order(HOST);
    b.putInt(length);
    b.putShort((short) (add ? RTM_NEWADDR : RTM_DELADDR));
    b.putShort(
        (short) (NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0))); // as ip does
    b.putInt(sequence);
    b.putInt(0); // port id: the kernel fills in ours
    // ifaddrmsg
    b.put((byte) (v6 ? Libc.AF_INET6 : Libc.AF_INET));
    b.put((byte) address.prefixLength());
    b.put((byte) (v6 && add ? IFA_F_NODAD : 0));
    b.put((byte) (add ? scope(address.address()) : 0));
    b.putInt(interfaceIndex);
    // attributes: IFA_LOCAL first, then IFA_ADDRESS (iproute2's order); both 4 or 16 bytes,
    // already aligned
    putAttribute(b, IFA_LOCAL, raw);
    putAttribute(b, IFA_ADDRESS, raw);
    return b.array();
  }

  /** {@code RTM_GETADDR} dump of every address, both families. */
  public static byte[] addressDump(int sequence) {
    int length = NLMSG_HDRLEN + IFADDRMSG_BYTES;
    ByteBuffer b = ByteBuffer.allocate(length).order(HOST);
    b.putInt(length);
    b.putShort((short) RTM_GETADDR);
    b.putShort((short) (NLM_F_REQUEST | NLM_F_DUMP));
    b.putInt(sequence);
    b.putInt(0);
    b.put((byte) 0); // AF_UNSPEC: both families
    b.put(new byte[7]);
    return b.array();
  }

  /** iproute2's default scope: host for 127.0.0.0/8, else 0 (the kernel's universe). */
  static int scope(InetAddress address) {
    return address instanceof Inet4Address && (address.getAddress()[0] & 0xff) == 127
        ? RT_SCOPE_HOST
        : 0;
  }

  private static void putAttribute(ByteBuffer b, int type, byte[] value) {
    b.putShort((short) (RTA_HDRLEN + value.length));
    b.putShort((short) type);
    b.put(value);
    for (int pad = align(value.length) - value.length; pad > 0; pad--) {
      b.put((byte) 0);
    }
  }

  static int align(int n) {
    return (n + 3) & ~3;
  }

  // ------------------------------------------------------------------ decoding

  /**
   * Decodes the first {@code length} bytes of {@code datagram}: one or more netlink messages.
   *
   * @throws MalformedNetlinkException when a length does not fit what was read
   */
  public static List<Message> decode(byte[] datagram, int length) {
    if (length < 0 || length > datagram.length) {
      throw new IllegalArgumentException(
          "length " + length + " (expected: 0.." + datagram.length + ")");
    }
    ByteBuffer b = ByteBuffer.wrap(datagram, 0, length).order(HOST);
    List<Message> out = new ArrayList<>();
    int at = 0;
    while (at < length) {
      if (length - at < NLMSG_HDRLEN) {
        throw new MalformedNetlinkException(
            (length - at)
                + " bytes left at offset "
                + at
                + " (expected: a "
                + NLMSG_HDRLEN
                + "-byte message header)");
      }
      int len = b.getInt(at);
      if (len < NLMSG_HDRLEN || len > length - at) {
        throw new MalformedNetlinkException(
            "message length "
                + Integer.toUnsignedString(len)
                + " at offset "
                + at
                + " (expected: "
                + NLMSG_HDRLEN
                + ".."
                + (length - at)
                + ")");
      }
      if (out.size() == MAX_MESSAGES_PER_DATAGRAM) {
        throw new MalformedNetlinkException(
            "more than "
                + MAX_MESSAGES_PER_DATAGRAM
                + " messages in one datagram (expected: at most "
                + MAX_MESSAGES_PER_DATAGRAM
                + ")");
      }
      int type = b.getShort(at + 4) & 0xffff;
      int flags = b.getShort(at + 6) & 0xffff;
      int seq = b.getInt(at + 8);
      out.add(message(b, at, len, type, flags, seq));
      // The last message may end without its alignment padding.
      at += Math.min(align(len), length - at);
    }
    return out;
  }

  private static Message message(ByteBuffer b, int at, int len, int type, int flags, int seq) {
    int body = at + NLMSG_HDRLEN;
    int bodyLen = len - NLMSG_HDRLEN;
    boolean interrupted = (flags & NLM_F_DUMP_INTR) != 0;
    return switch (type) {
      case NLMSG_ERROR -> ack(b, body, bodyLen, flags, seq);
      case NLMSG_DONE -> {
        // The kernel appends an int (0, or -errno when the dump failed); old kernels may not.
        int error = bodyLen >= 4 ? b.getInt(body) : 0;
        yield new Done(seq, errnoOf(error, "NLMSG_DONE"), interrupted);
      }
      case RTM_NEWADDR, RTM_DELADDR ->
          address(b, body, bodyLen, type == RTM_NEWADDR, seq, interrupted);
      default -> new Other(seq, type, interrupted);
    };
  }

  private static int errnoOf(int error, String where) {
    if (error > 0 || error < -4095) {
      throw new MalformedNetlinkException(
          where + " error " + error + " (expected: 0 or -1..-4095)");
    }
    return -error;
  }

  private static Ack ack(ByteBuffer b, int body, int bodyLen, int flags, int seq) {
    if (bodyLen < NLMSGERR_BYTES) {
      throw new MalformedNetlinkException(
          "NLMSG_ERROR of " + bodyLen + " bytes (expected: at least " + NLMSGERR_BYTES + ")");
    }
    int errno = errnoOf(b.getInt(body), "NLMSG_ERROR");
    int requestLen = b.getInt(body + 4);
    int requestType = b.getShort(body + 8) & 0xffff;
    int afterRequest = body + NLMSGERR_BYTES;
    int end = body + bodyLen;
    if (errno != 0 && (flags & NLM_F_CAPPED) == 0) {
      // The request echoed whole: its payload follows the header.
      if (requestLen < NLMSG_HDRLEN || requestLen - NLMSG_HDRLEN > end - afterRequest) {
        throw new MalformedNetlinkException(
            "NLMSG_ERROR echoes a request of "
                + Integer.toUnsignedString(requestLen)
                + " bytes (expected: "
                + NLMSG_HDRLEN
                + ".."
                + (NLMSG_HDRLEN + end - afterRequest)
                + ")");
      }
      afterRequest += align(requestLen - NLMSG_HDRLEN);
    }
    String detail = "";
    if ((flags & NLM_F_ACK_TLVS) != 0 && afterRequest < end) {
      int at = afterRequest;
      while (end - at >= RTA_HDRLEN) {
        int attrLen = b.getShort(at) & 0xffff;
        int attrType = b.getShort(at + 2) & 0x3fff;
        if (attrLen < RTA_HDRLEN || attrLen > end - at) {
          throw new MalformedNetlinkException(
              "extended-ack attribute length "
                  + attrLen
                  + " (expected: "
                  + RTA_HDRLEN
                  + ".."
                  + (end - at)
                  + ")");
        }
        if (attrType == NLMSGERR_ATTR_MSG) {
          detail = cString(b, at + RTA_HDRLEN, attrLen - RTA_HDRLEN, MAX_EXT_ACK_CHARS);
        }
        at += Math.min(align(attrLen), end - at);
      }
    }
    return new Ack(seq, errno, requestType, detail);
  }

  private static AddressMessage address(
      ByteBuffer b, int body, int bodyLen, boolean added, int seq, boolean interrupted) {
    if (bodyLen < IFADDRMSG_BYTES) {
      throw new MalformedNetlinkException(
          "address message of " + bodyLen + " bytes (expected: at least " + IFADDRMSG_BYTES + ")");
    }
    int family = b.get(body) & 0xff;
    int prefix = b.get(body + 1) & 0xff;
    int flags = b.get(body + 2) & 0xff;
    int scope = b.get(body + 3) & 0xff;
    int index = b.getInt(body + 4);
    int addressBytes;
    if (family == Libc.AF_INET) {
      addressBytes = 4;
    } else if (family == Libc.AF_INET6) {
      addressBytes = 16;
    } else {
      throw new MalformedNetlinkException(
          "address family " + family + " (expected: AF_INET 2 or AF_INET6 10)");
    }
    if (prefix > addressBytes * 8) {
      throw new MalformedNetlinkException(
          "prefix length " + prefix + " (expected: 0.." + (addressBytes * 8) + ")");
    }
    if (index <= 0) {
      throw new MalformedNetlinkException(
          "interface index " + Integer.toUnsignedString(index) + " (expected: 1..2147483647)");
    }
    byte[] local = null;
    byte[] peer = null;
    String label = "";
    boolean broadcast = false;
    int at = body + IFADDRMSG_BYTES;
    int end = body + bodyLen;
    while (end - at >= RTA_HDRLEN) {
      int attrLen = b.getShort(at) & 0xffff;
      int attrType = b.getShort(at + 2) & 0x3fff;
      if (attrLen < RTA_HDRLEN || attrLen > end - at) {
        throw new MalformedNetlinkException(
            "attribute length "
                + attrLen
                + " at offset "
                + at
                + " (expected: "
                + RTA_HDRLEN
                + ".."
                + (end - at)
                + ")");
      }
      int valueAt = at + RTA_HDRLEN;
      int valueLen = attrLen - RTA_HDRLEN;
      switch (attrType) {
        case IFA_ADDRESS, IFA_LOCAL -> {
          if (valueLen != addressBytes) {
            throw new MalformedNetlinkException(
                (attrType == IFA_LOCAL ? "IFA_LOCAL" : "IFA_ADDRESS")
                    + " of "
                    + valueLen
                    + " bytes (expected: "
                    + addressBytes
                    + ")");
          }
          byte[] raw = new byte[addressBytes];
          b.get(valueAt, raw);
          if (attrType == IFA_LOCAL) {
            local = raw;
          } else {
            peer = raw;
          }
        }
        case IFA_LABEL -> label = cString(b, valueAt, valueLen, Libc.IFNAMSIZ);
        case IFA_BROADCAST -> broadcast = true;
        case IFA_FLAGS -> {
          if (valueLen != 4) {
            throw new MalformedNetlinkException(
                "IFA_FLAGS of " + valueLen + " bytes (expected: 4)");
          }
          flags = b.getInt(valueAt);
        }
        default -> {} // cache info, multicast, protocol, …: not needed
      }
      at += Math.min(align(attrLen), end - at);
    }
    byte[] raw = local != null ? local : peer;
    if (raw == null) {
      throw new MalformedNetlinkException(
          "address message without IFA_LOCAL or IFA_ADDRESS (expected: one of them)");
    }
    InetAddress address;
    try {
      address = InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes are always an address
    }
    return new AddressMessage(
        seq,
        added,
        index,
        new InterfaceAddress(address, prefix),
        flags,
        scope,
        label,
        broadcast,
        interrupted);
  }

  /** A NUL-terminated string of at most {@code max} characters (the rest is cut). */
  private static String cString(ByteBuffer b, int at, int len, int max) {
    int n = 0;
    while (n < len && b.get(at + n) != 0) {
      n++;
    }
    byte[] raw = new byte[Math.min(n, max)];
    b.get(at, raw);
    // Only printable ASCII reaches a log line.
    StringBuilder s = new StringBuilder(raw.length);
    for (byte c : raw) {
      s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return s.toString();
  }
}
