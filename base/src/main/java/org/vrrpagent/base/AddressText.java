package org.vrrpagent.base;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses as operators write them: IPv4 dotted, IPv6 in RFC 5952 form (lower case, no leading
 * zeros, the longest run of two or more zero groups — the first one on a tie — as {@code ::}), with
 * {@code %scope} for scoped link-local addresses. The JDK's {@code getHostAddress} writes {@code
 * fd00:198:18:0:0:0:0:100}; logs, errors and {@code ip} commands read better as {@code
 * fd00:198:18::100}.
 */
public final class AddressText {
  private AddressText() {}

  public static String of(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
    }
    // Longest run of zero groups, at least 2 long (RFC 5952 §4.2.2, §4.2.3).
    int runStart = -1;
    int runLength = 0;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > runLength && j - i >= 2) {
        runStart = i;
        runLength = j - i;
      }
      i = Math.max(i, j);
    }
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == runStart) {
        s.append("::");
        i += runLength - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(groups[i]));
    }
    if (address instanceof Inet6Address six && six.getScopeId() > 0) {
      s.append('%').append(six.getScopeId());
    }
    return s.toString();
  }
}
