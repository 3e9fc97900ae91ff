package org.vrrpagent.agent.importer;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * YAML scalars and comments written by hand (Jackson cannot write comments): a string is left plain
 * only when YAML cannot read it as anything but that string; otherwise it is double-quoted with
 * every character that needs it escaped.
 */
final class YamlText {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_/.@+-]*");

  /** Words YAML 1.1 or 1.2 reads as booleans or null. */
  private static final Set<String> RESERVED =
      Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf");

  private static final int MAX_COMMENT_CHARS = 300;

  private YamlText() {}

  /** A string as a YAML scalar that reads back as exactly this string, in block or flow context. */
  static String scalar(String s) {
    if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        case '\0' -> b.append("\\0");
        default -> {
          if (c < 0x20
              || c == 0x7f
              || (c >= 0x80 && c < 0xa0)
              || c == '\u2028'
              || c == '\u2029'
              || c == '\ufeff'
              || c == '\ufffe'
              || c == '\uffff'
              || (Character.isSurrogate(c) && !pairedSurrogate(s, i))) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static boolean pairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** A flow sequence of strings: {@code [a, "b c"]}. */
  static String list(List<String> items) {
    StringBuilder b = new StringBuilder("[");
    for (String item : items) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(scalar(item));
    }
    return b.append(']').toString();
  }

  /** A flow sequence of values already in YAML form (addresses, numbers). */
  static String rawList(List<String> items) {
    return "[" + String.join(", ", items) + "]";
  }

  /** Text safe inside a comment: one line, control characters shown as escapes, bounded. */
  static String commentText(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < MAX_COMMENT_CHARS; i++) {
      char c = s.charAt(i);
      if (c < 0x20
          || c == 0x7f
          || (c >= 0x80 && c < 0xa0)
          || c == '\u2028'
          || c == '\u2029'
          || c == '\ufeff'
          || Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (b.length() >= MAX_COMMENT_CHARS) {
      b.setLength(MAX_COMMENT_CHARS);
      b.append('…');
    }
    return b.toString();
  }
}
