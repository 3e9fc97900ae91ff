package org.vrrpagent.core.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Captured frames split into their layers: what keepalived 2.2.7 put on the wire ({@code
 * vectors/adverts-garp-na.tsv}: tcpdump's decode, a TAB, the whole Ethernet frame in hex) and
 * libpcap captures such as ucarp's ({@code vectors/ucarp/*.pcap}).
 */
public final class CapturedFrames {
  private CapturedFrames() {}

  /** One captured Ethernet frame. For IP frames, the IP facts and the IP payload. */
  public record Frame(
      String decode, byte[] ethernet, int etherType, IpContext ip, int protocol, byte[] payload) {
    public boolean isVrrp() {
      return protocol == InternetChecksum.PROTOCOL_VRRP;
    }

    @Override
    public String toString() {
      return decode;
    }
  }

  public static List<Frame> all() {
    try (InputStream in =
        CapturedFrames.class.getResourceAsStream("/vectors/adverts-garp-na.tsv")) {
      if (in == null) {
        throw new IllegalStateException(
            "vectors/adverts-garp-na.tsv is not on the test class path");
      }
      List<Frame> frames = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        int tab = line.lastIndexOf('\t');
        frames.add(
            parse(line.substring(0, tab), HexFormat.of().parseHex(line.substring(tab + 1).trim())));
      }
      return frames;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The Ethernet frames of a classic libpcap file on the test class path (24-byte file header, then
   * a 16-byte header before each frame; either byte order; link type Ethernet). A frame's {@code
   * decode} is its index in the file.
   */
  public static List<Frame> pcap(String resource) {
    byte[] file;
    try (InputStream in = CapturedFrames.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test class path");
      }
      file = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(file);
    int magic = b.getInt(0);
    if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
      b.order(java.nio.ByteOrder.LITTLE_ENDIAN);
    } else if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      throw new IllegalStateException(
          resource + ": not a libpcap file (magic " + Integer.toHexString(magic) + ")");
    }
    if (b.getInt(20) != 1) {
      throw new IllegalStateException(
          resource + ": link type " + b.getInt(20) + " (expected: 1, Ethernet)");
    }
    List<Frame> frames = new ArrayList<>();
    int at = 24;
    while (at + 16 <= file.length) {
      int captured = b.getInt(at + 8);
      at += 16;
      frames.add(parse("frame " + frames.size(), Arrays.copyOfRange(file, at, at + captured)));
      at += captured;
    }
    return frames;
  }

  public static List<Frame> vrrp() {
    return all().stream().filter(Frame::isVrrp).toList();
  }

  private static Frame parse(String decode, byte[] f) {
    int etherType = ((f[12] & 0xff) << 8) | (f[13] & 0xff);
    if (etherType == 0x0800) {
      int ihl = (f[14] & 0x0f) * 4;
      int totalLength = ((f[16] & 0xff) << 8) | (f[17] & 0xff);
      int ttl = f[22] & 0xff;
      int protocol = f[23] & 0xff;
      IpContext ip = new IpContext(addr(f, 26, 4), addr(f, 30, 4), ttl);
      return new Frame(
          decode, f, etherType, ip, protocol, Arrays.copyOfRange(f, 14 + ihl, 14 + totalLength));
    }
    if (etherType == 0x86dd) {
      int payloadLength = ((f[18] & 0xff) << 8) | (f[19] & 0xff);
      int nextHeader = f[20] & 0xff;
      int hopLimit = f[21] & 0xff;
      IpContext ip = new IpContext(addr(f, 22, 16), addr(f, 38, 16), hopLimit);
      return new Frame(
          decode, f, etherType, ip, nextHeader, Arrays.copyOfRange(f, 54, 54 + payloadLength));
    }
    return new Frame(decode, f, etherType, null, -1, Arrays.copyOfRange(f, 14, f.length));
  }

  private static InetAddress addr(byte[] f, int at, int len) {
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(f, at, at + len));
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
