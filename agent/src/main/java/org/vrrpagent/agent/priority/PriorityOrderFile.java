package org.vrrpagent.agent.priority;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.vrrpagent.base.StrictText;

/**
 * The priority-order file: one host name per line, most preferred first. {@code #} starts a
 * comment (a commented-out host is out of service); blank lines are ignored. Anything else —
 * binary data, two words on a line, a duplicate host, more than {@link #MAX_BYTES} bytes or
 * {@link #MAX_HOSTS} hosts — makes the whole file invalid, so that a half-written or corrupted
 * file never moves a service.
 *
 * <pre>
 * # /etc/vrrp-agent/priority.testdns
 * recdns-cnh
 * #recdns-rnb          &lt;- commented out: out of service
 * recdns-sby
 * </pre>
 */
public final class PriorityOrderFile {
  /** Limit on the file's size. */
  public static final int MAX_BYTES = 64 * 1024;
  /** Limit on listed hosts. */
  public static final int MAX_HOSTS = 1024;
  /** Limit on a host name (DNS). */
  public static final int MAX_HOST_CHARS = 253;

  private static final Pattern HOST = Pattern.compile("[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?");

  private PriorityOrderFile() {}

  /**
   * Reads and parses {@code file}, reading at most {@link #MAX_BYTES} + 1 bytes.
   *
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   * @throws IOException when it cannot be read
   * @throws PriorityOrderException when it is malformed
   */
  public static PriorityOrder read(Path file) throws IOException, PriorityOrderException {
    byte[] bytes;
    try {
      bytes = StrictText.readBytes(file, MAX_BYTES);
    } catch (StrictText.Refused e) {
      throw switch (e.problem()) {
        case NOT_A_REGULAR_FILE -> new PriorityOrderException(0, "not a regular file (expected: a text file, not a FIFO or device)");
        default -> new PriorityOrderException(0, "larger than " + MAX_BYTES + " bytes (expected: at most " + MAX_BYTES + " bytes)");
      };
    }
    return parse(bytes);
  }

  /** Parses the file's bytes. */
  public static PriorityOrder parse(byte[] bytes) throws PriorityOrderException {
    if (bytes.length > MAX_BYTES) {
      throw new PriorityOrderException(0, "larger than " + MAX_BYTES + " bytes (expected: at most " + MAX_BYTES + " bytes)");
    }
    int line = 1;
    for (byte b : bytes) {
      if (b == '\n') {
        line++;
      } else if ((b >= 0 && b < 0x20 && b != '\t' && b != '\r') || b == 0x7f) {
        throw new PriorityOrderException(line, String.format(
            "binary data (byte 0x%02x) (expected: text, one host name per line)", b & 0xff));
      }
    }
    String text;
    try {
      text = StrictText.decode(bytes);
    } catch (StrictText.Refused e) {
      throw new PriorityOrderException(0, "not UTF-8 text (expected: text, one host name per line)");
    }
    List<String> hosts = new ArrayList<>();
    Map<String, Integer> firstLine = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      String content = lines[i];
      int hash = content.indexOf('#');
      if (hash >= 0) {
        content = content.substring(0, hash);
      }
      content = content.strip();
      if (content.isEmpty()) {
        continue;
      }
      if (content.chars().anyMatch(Character::isWhitespace)) {
        throw new PriorityOrderException(number, "\"" + shorten(content) + "\" is more than one word (expected: one host name per line)");
      }
      String host = content.toLowerCase(Locale.ROOT);
      if (host.length() > MAX_HOST_CHARS || !HOST.matcher(host).matches()) {
        throw new PriorityOrderException(number, "\"" + shorten(content) + "\" is not a host name (expected: letters, digits, \"-\", \".\", \"_\")");
      }
      Integer first = firstLine.putIfAbsent(host, number);
      if (first != null) {
        throw new PriorityOrderException(number, "duplicate host " + host + " (expected: each host once; first on line " + first + ")");
      }
      if (hosts.size() == MAX_HOSTS) {
        throw new PriorityOrderException(number, "more than " + MAX_HOSTS + " hosts (expected: at most " + MAX_HOSTS + ")");
      }
      hosts.add(host);
    }
    return new PriorityOrder(hosts);
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }
}
