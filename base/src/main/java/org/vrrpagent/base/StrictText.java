package org.vrrpagent.base;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Text files operators edit (the configuration, the priority-order file), read strictly: a regular
 * file (a FIFO or a device would block or never end), at most a given number of bytes, and valid
 * UTF-8 — a malformed byte is refused, never replaced by U+FFFD.
 *
 * <pre>{@code
 * String text = StrictText.read(path, 64 * 1024); // throws StrictText.Refused
 * }</pre>
 */
public final class StrictText {
  private StrictText() {}

  /** Why a file's content is not accepted; the caller words the message for its file. */
  public enum Problem {
    /** A FIFO, socket or device: reading could block or never end. */
    NOT_A_REGULAR_FILE,
    /** More bytes than the limit. */
    TOO_LARGE,
    /** Not valid UTF-8; {@link Refused#offset()} is the first bad byte. */
    NOT_UTF8
  }

  /** The file was read but its content is refused. */
  public static final class Refused extends IOException {
    private final Problem problem;
    private final long offset;

    Refused(Problem problem, long offset, String message) {
      super(message);
      this.problem = problem;
      this.offset = offset;
    }

    public Problem problem() {
      return problem;
    }

    /** The byte offset of a malformed sequence; the limit for {@link Problem#TOO_LARGE}; else 0. */
    public long offset() {
      return offset;
    }
  }

  /** The file's bytes (a regular file, at most {@code maxBytes}), decoded as strict UTF-8. */
  public static String read(Path file, int maxBytes) throws IOException {
    return decode(readBytes(file, maxBytes));
  }

  /**
   * The bytes of a regular file of at most {@code maxBytes}; reads no more than one byte past it.
   */
  public static byte[] readBytes(Path file, int maxBytes) throws IOException {
    if (maxBytes < 0 || maxBytes == Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxBytes " + maxBytes + " (expected: 0.." + (Integer.MAX_VALUE - 1) + ")");
    }
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw new Refused(Problem.NOT_A_REGULAR_FILE, 0, file + ": not a regular file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(maxBytes + 1);
    }
    if (bytes.length > maxBytes) {
      throw new Refused(Problem.TOO_LARGE, maxBytes, file + ": larger than " + maxBytes + " bytes");
    }
    return bytes;
  }

  /**
   * {@code text} safe to print inside one line of a message: control characters (C0, DEL, C1) as
   * {@code \xNN}, the Unicode line and paragraph separators U+2028 and U+2029 as backslash-u
   * escapes. Values quoted back to an operator pass through this, so that every error stays one
   * line.
   */
  public static String oneLine(String text) {
    int i = 0;
    while (i < text.length() && printable(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 8).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (printable(c)) {
        b.append(c);
      } else if (c == '\u2028' || c == '\u2029') {
        b.append("\\u").append(Integer.toHexString(c));
      } else {
        b.append("\\x")
            .append(Character.forDigit(c >> 4, 16))
            .append(Character.forDigit(c & 0xf, 16));
      }
    }
    return b.toString();
  }

  private static boolean printable(char c) {
    return c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f) && c != '\u2028' && c != '\u2029';
  }

  /** Decodes strict UTF-8; a malformed or unmappable sequence is refused with its offset. */
  public static String decode(byte[] bytes) throws Refused {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      // decode() stops at the bad input; find its offset for the message
      int offset = firstMalformed(bytes);
      throw new Refused(Problem.NOT_UTF8, offset, "not UTF-8: malformed byte at offset " + offset);
    }
  }

  private static int firstMalformed(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(Math.max(16, bytes.length * 2));
    var result = decoder.decode(in, out, true);
    return result.isError() ? in.position() : bytes.length;
  }
}
