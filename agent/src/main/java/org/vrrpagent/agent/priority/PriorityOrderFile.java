package org.vrrpagent.agent.priority;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.vrrpagent.base.StrictText;

/**
 * The priority-order file: one host name per line, most preferred first. {@code #} starts a comment
 * (a commented-out host is out of service); blank lines are ignored. Anything else — binary data,
 * two words on a line, a duplicate host, more than {@link #MAX_BYTES} bytes or {@link #MAX_HOSTS}
 * hosts — makes the whole file invalid, so that a half-written or corrupted file never moves a
 * service.
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

  /** How long one read may take before it is abandoned. */
  public static final Duration READ_DEADLINE = Duration.ofSeconds(2);

  /** Abandoned reads still blocked, all files together; past this no new read is started. */
  static final int MAX_BLOCKED_READS = 4;

  private static final AtomicInteger blockedReads = new AtomicInteger();

  /**
   * Reads and parses {@code file}: only a regular file (after symbolic links) is opened — a FIFO, a
   * device, a socket or a directory is refused without opening it, so that nothing can block in
   * {@code open()} — and at most {@link #MAX_BYTES} + 1 bytes are read, on a thread of its own,
   * within {@link #READ_DEADLINE}. A read that has not finished by then (a file swapped for a FIFO
   * between the check and the open, a hung network file system) is abandoned: its thread is left to
   * finish alone, and at most {@link #MAX_BLOCKED_READS} such threads exist.
   *
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   * @throws IOException when it cannot be read or the read timed out
   * @throws PriorityOrderException when it is malformed, too large, or not a regular file
   */
  public static PriorityOrder read(Path file) throws IOException, PriorityOrderException {
    byte[] bytes;
    try {
      bytes = readBytes(file, READ_DEADLINE);
    } catch (StrictText.Refused e) {
      throw switch (e.problem()) {
        case NOT_A_REGULAR_FILE ->
            new PriorityOrderException(
                0,
                "not a regular file ("
                    + kind(file)
                    + "; expected: a text file, not a FIFO or device); refused without opening it");
        default ->
            new PriorityOrderException(
                0,
                "larger than " + MAX_BYTES + " bytes (expected: at most " + MAX_BYTES + " bytes)");
      };
    }
    return parse(bytes);
  }

  static byte[] readBytes(Path file, Duration deadline) throws IOException {
    if (blockedReads.get() >= MAX_BLOCKED_READS) {
      throw new IOException(
          MAX_BLOCKED_READS
              + " earlier reads of priority-order files are still blocked; not reading");
    }
    CompletableFuture<byte[]> read = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("priority-order read " + file.getFileName())
        .start(
            () -> {
              try {
                read.complete(StrictText.readBytes(file, MAX_BYTES));
              } catch (Throwable e) {
                read.completeExceptionally(e);
              }
            });
    try {
      return read.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      blockedReads.incrementAndGet();
      read.whenComplete((bytes, failure) -> blockedReads.decrementAndGet());
      throw new IOException(
          "reading did not finish within " + deadline.toMillis() + " ms; abandoned");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  private static String kind(Path file) {
    try {
      if (Files.isDirectory(file)) {
        return "a directory";
      }
      int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000;
      return switch (type) {
        case 0010000 -> "a FIFO";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "type " + Integer.toOctalString(type);
      };
    } catch (IOException | RuntimeException e) {
      return "not a plain file";
    }
  }

  /** Parses the file's bytes. */
  public static PriorityOrder parse(byte[] bytes) throws PriorityOrderException {
    if (bytes.length > MAX_BYTES) {
      throw new PriorityOrderException(
          0, "larger than " + MAX_BYTES + " bytes (expected: at most " + MAX_BYTES + " bytes)");
    }
    int line = 1;
    for (byte b : bytes) {
      if (b == '\n') {
        line++;
      } else if ((b >= 0 && b < 0x20 && b != '\t' && b != '\r') || b == 0x7f) {
        throw new PriorityOrderException(
            line,
            String.format(
                "binary data (byte 0x%02x) (expected: text, one host name per line)", b & 0xff));
      }
    }
    String text;
    try {
      text = StrictText.decode(bytes);
    } catch (StrictText.Refused e) {
      throw new PriorityOrderException(
          0, "not UTF-8 text (expected: text, one host name per line)");
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
        throw new PriorityOrderException(
            number,
            "\""
                + shorten(content)
                + "\" is more than one word (expected: one host name per line)");
      }
      String host = content.toLowerCase(Locale.ROOT);
      if (host.length() > MAX_HOST_CHARS || !HOST.matcher(host).matches()) {
        throw new PriorityOrderException(
            number,
            "\""
                + shorten(content)
                + "\" is not a host name (expected: letters, digits, \"-\", \".\", \"_\")");
      }
      Integer first = firstLine.putIfAbsent(host, number);
      if (first != null) {
        throw new PriorityOrderException(
            number,
            "duplicate host " + host + " (expected: each host once; first on line " + first + ")");
      }
      if (hosts.size() == MAX_HOSTS) {
        throw new PriorityOrderException(
            number, "more than " + MAX_HOSTS + " hosts (expected: at most " + MAX_HOSTS + ")");
      }
      hosts.add(host);
    }
    return new PriorityOrder(hosts);
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }
}
