package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * The control messages {@code recvmsg} returns ({@code struct cmsghdr { size_t len; int level; int
 * type; data… }}, each aligned to 8 bytes). Pure: reads a buffer, trusts no length in it.
 */
final class ControlMessages {
  private ControlMessages() {}

  /**
   * The offset of the data of the first control message of {@code level} and {@code type} with at
   * least {@code minData} bytes of data within the first {@code length} bytes of {@code control};
   * -1 when there is none.
   */
  static long find(MemorySegment control, long length, int level, int type, int minData) {
    long end = Math.min(Math.max(length, 0), control.byteSize());
    long offset = 0;
    while (offset + Libc.CMSGHDR_BYTES <= end) {
      long len = control.get(JAVA_LONG_UNALIGNED, offset);
      if (len < Libc.CMSGHDR_BYTES || len > end - offset) {
        return -1;
      }
      if (control.get(JAVA_INT_UNALIGNED, offset + 8) == level
          && control.get(JAVA_INT_UNALIGNED, offset + 12) == type
          && len >= Libc.CMSGHDR_BYTES + minData) {
        return offset + Libc.CMSGHDR_BYTES;
      }
      long next = (len + 7) & ~7L;
      if (next <= 0 || next > end - offset) {
        return -1;
      }
      offset += next;
    }
    return -1;
  }

  /**
   * The kernel's receive time of the packet ({@code SCM_TIMESTAMPNS}: a {@code struct timespec} of
   * {@code CLOCK_REALTIME}) in nanoseconds since the epoch; -1 when absent or not a valid time.
   */
  static long receiveTimeEpochNanos(MemorySegment control, long length) {
    long at = find(control, length, Libc.SOL_SOCKET, Libc.SCM_TIMESTAMPNS, 16);
    if (at < 0) {
      return -1;
    }
    long seconds = control.get(JAVA_LONG_UNALIGNED, at);
    long nanos = control.get(JAVA_LONG_UNALIGNED, at + 8);
    if (seconds < 0
        || seconds > Long.MAX_VALUE / 1_000_000_000L - 1
        || nanos < 0
        || nanos > 999_999_999) {
      return -1;
    }
    return seconds * 1_000_000_000L + nanos;
  }
}
