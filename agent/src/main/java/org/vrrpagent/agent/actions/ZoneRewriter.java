package org.vrrpagent.agent.actions;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vrrpagent.agent.config.ActionsConfig.Host;
import org.vrrpagent.agent.config.ActionsConfig.RecordType;
import org.vrrpagent.agent.config.ActionsConfig.Role;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.base.StrictText;

/**
 * Rewrites the marked records of a master zone file (RFC 1035 §5.1 text) so they name the current
 * master and standby, and bumps the SOA serial when anything changed. Pure: text in, text out.
 *
 * <p>A marked record is one whose comment contains the marker; the word after the marker says whose
 * address it holds ({@code standby}, or {@code master}, the default):
 *
 * <pre>
 * www      60 IN A     192.0.2.99    ; failover
 * www      60 IN AAAA  2001:db8:1::99 ; failover
 * standby  60 IN A     203.0.113.20  ; failover standby
 * </pre>
 *
 * Only the address of a marked record changes, byte for byte everything else stays (spacing,
 * comments, line ends); a marked record must be an A or AAAA record on one line. The SOA serial
 * goes up by one, or to today's {@code YYYYMMDD00} when the zone uses that form and today is later
 * (never backwards, RFC 1982 arithmetic past 2^32-1). When every marked record already holds the
 * right address the text is returned unchanged: no serial bump.
 */
public final class ZoneRewriter {
  /** Largest zone file read. */
  public static final long MAX_ZONE_BYTES = 16L * 1024 * 1024;

  private static final long SERIAL_MODULUS = 1L << 32;
  private static final Pattern CLASS = Pattern.compile("(?i)IN|CH|CS|HS|CLASS[0-9]+");
  private static final Pattern TTL = Pattern.compile("(?i)[0-9]+[smhdw]?([0-9]+[smhdw])*");
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private ZoneRewriter() {}

  /**
   * A zone file's bytes, read as every file operators edit is read ({@link StrictText}): a regular
   * file (a FIFO would block the reader for ever), at most {@link #MAX_ZONE_BYTES}, valid UTF-8.
   *
   * @throws IOException when it cannot be read; {@link StrictText.Refused} (worded by {@link
   *     #refusal}) when its content is refused
   */
  public static byte[] readZone(Path zone) throws IOException {
    byte[] bytes = StrictText.readBytes(zone, (int) MAX_ZONE_BYTES);
    StrictText.decode(bytes);
    return bytes;
  }

  /** What is wrong with a zone file {@link #readZone} refused, to follow its path. */
  public static String refusal(StrictText.Refused e) {
    return switch (e.problem()) {
      case TOO_LARGE -> " is larger than " + MAX_ZONE_BYTES + " bytes (expected: a zone file)";
      case NOT_UTF8 ->
          " is not UTF-8 text (malformed byte at offset " + e.offset() + "; expected: a zone file)";
      case NOT_A_REGULAR_FILE ->
          " is not a regular file (expected: a zone file, not a FIFO or device)";
    };
  }

  /** Whose addresses the roles stand for now. */
  public record Roles(Host master, Host standby) {
    public Roles {
      Objects.requireNonNull(master, "master");
      Objects.requireNonNull(standby, "standby");
    }

    public static Roles of(Host master, Host standby) {
      return new Roles(master, standby);
    }

    public Optional<InetAddress> address(Role role, RecordType type) {
      return (role == Role.MASTER ? master : standby).address(type);
    }
  }

  /**
   * The outcome.
   *
   * @param text the new zone text (the input itself when nothing changed)
   * @param changed whether any marked record changed
   * @param oldSerial the SOA serial found
   * @param newSerial the serial written (= oldSerial when nothing changed)
   * @param marked how many marked records there are
   * @param rewritten how many of them changed
   */
  public record Result(
      String text, boolean changed, long oldSerial, long newSerial, int marked, int rewritten) {}

  /** A zone this rewriter refuses, with the line and what was expected. */
  public static final class ZoneException extends Exception {
    public ZoneException(String message) {
      super(message);
    }
  }

  /** One token: its text and where it starts in the zone text. */
  record Token(String text, int offset) {}

  /** One record (or directive) as the master file format spells it, possibly over several lines. */
  record Entry(
      int line, boolean hasOwner, List<Token> tokens, List<String> comments, boolean multiLine) {}

  public static Result rewrite(String zone, String marker, Roles roles, LocalDate today)
      throws ZoneException {
    Objects.requireNonNull(marker, "marker");
    if (marker.isEmpty()) {
      throw new IllegalArgumentException("empty marker");
    }
    List<Entry> entries = entries(zone);
    StringBuilder out = new StringBuilder(zone.length() + 64);
    int copied = 0;
    int marked = 0;
    int rewritten = 0;
    Entry soa = null;
    List<int[]> edits = new ArrayList<>(); // offset, old length; replacement in parallel list
    List<String> replacements = new ArrayList<>();
    for (Entry e : entries) {
      if (e.tokens().isEmpty() || e.tokens().getFirst().text().startsWith("$")) {
        if (!e.tokens().isEmpty()
            && e.tokens().getFirst().text().equalsIgnoreCase("$INCLUDE")
            && e.comments().stream().anyMatch(c -> c.contains(marker))) {
          throw new ZoneException(
              "line " + e.line() + ": the marker is on an $INCLUDE (expected: on A/AAAA records)");
        }
        continue;
      }
      int typeAt = typeIndex(e);
      String type =
          typeAt < e.tokens().size() ? e.tokens().get(typeAt).text().toUpperCase(Locale.ROOT) : "";
      if (type.equals("SOA")) {
        if (soa != null) {
          throw new ZoneException(
              "line " + e.line() + ": a second SOA record (expected: one, at the zone apex)");
        }
        soa = e;
      }
      Optional<String> comment = e.comments().stream().filter(c -> c.contains(marker)).findFirst();
      if (comment.isEmpty()) {
        continue;
      }
      marked++;
      if (e.multiLine()) {
        throw new ZoneException(
            "line "
                + e.line()
                + ": a marked record spans lines (expected: one record on one line)");
      }
      RecordType rt;
      if (type.equals("A")) {
        rt = RecordType.A;
      } else if (type.equals("AAAA")) {
        rt = RecordType.AAAA;
      } else {
        throw new ZoneException(
            "line "
                + e.line()
                + ": marked record is of type "
                + (type.isEmpty() ? "(none)" : type)
                + " (expected: A or AAAA)");
      }
      if (e.tokens().size() != typeAt + 2) {
        throw new ZoneException(
            "line "
                + e.line()
                + ": marked "
                + type
                + " record has "
                + (e.tokens().size() - typeAt - 1)
                + " data fields (expected: one address)");
      }
      Role role = role(comment.get(), marker);
      InetAddress want =
          roles
              .address(role, rt)
              .orElseThrow(
                  () ->
                      new ZoneException(
                          "line "
                              + e.line()
                              + ": the "
                              + role.label()
                              + " publishes no "
                              + rt
                              + " address (expected: "
                              + rt
                              + " under both nodes in hosts:)"));
      Token data = e.tokens().get(typeAt + 1);
      Optional<InetAddress> have = literal(data.text(), rt);
      if (have.isPresent() && have.get().equals(want)) {
        continue;
      }
      rewritten++;
      edits.add(new int[] {data.offset(), data.text().length()});
      replacements.add(AddressText.of(want));
    }
    if (marked == 0) {
      throw new ZoneException(
          "no record carries the marker \""
              + marker
              + "\" (expected: A/AAAA records marked with it)");
    }
    if (soa == null) {
      throw new ZoneException("no SOA record (expected: the zone's SOA, whose serial goes up)");
    }
    int serialAt = typeIndex(soa) + 3;
    if (serialAt >= soa.tokens().size()) {
      throw new ZoneException("line " + soa.line() + ": SOA record without a serial");
    }
    Token serialToken = soa.tokens().get(serialAt);
    long serial = serial(serialToken.text(), soa.line());
    if (rewritten == 0) {
      return new Result(zone, false, serial, serial, marked, 0);
    }
    long next = nextSerial(serial, today);
    edits.add(new int[] {serialToken.offset(), serialToken.text().length()});
    replacements.add(Long.toString(next));
    // apply in offset order
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < edits.size(); i++) {
      order.add(i);
    }
    order.sort((x, y) -> Integer.compare(edits.get(x)[0], edits.get(y)[0]));
    for (int i : order) {
      int[] ed = edits.get(i);
      out.append(zone, copied, ed[0]).append(replacements.get(i));
      copied = ed[0] + ed[1];
    }
    out.append(zone, copied, zone.length());
    return new Result(out.toString(), true, serial, next, marked, rewritten);
  }

  /**
   * The next serial after {@code serial}: today's {@code YYYYMMDD00} when the serial is in that
   * form and from an earlier day, else one more (RFC 1982: modulo 2^32, so always "later").
   */
  public static long nextSerial(long serial, LocalDate today) {
    if (dateForm(serial)) {
      long base = Long.parseLong(today.format(DAY)) * 100;
      if (base > serial && base < SERIAL_MODULUS) {
        return base;
      }
    }
    return (serial + 1) % SERIAL_MODULUS;
  }

  /** A serial of the form YYYYMMDDnn with a real date (years 1970..4293). */
  static boolean dateForm(long serial) {
    if (serial < 1_970_010_100L || serial >= SERIAL_MODULUS) {
      return false;
    }
    String s = Long.toString(serial);
    try {
      LocalDate.parse(s.substring(0, 8), DAY);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** RFC 1982: is {@code b} later than {@code a}? */
  public static boolean later(long b, long a) {
    long d = (b - a + SERIAL_MODULUS) % SERIAL_MODULUS;
    return d != 0 && d < (1L << 31);
  }

  private static long serial(String text, int line) throws ZoneException {
    if (!text.matches("[0-9]{1,10}") || Long.parseLong(text) >= SERIAL_MODULUS) {
      throw new ZoneException(
          "line " + line + ": SOA serial \"" + text + "\" (expected: a number 0..4294967295)");
    }
    return Long.parseLong(text);
  }

  private static Role role(String comment, String marker) {
    String after = comment.substring(comment.indexOf(marker) + marker.length()).strip();
    String word = after.isEmpty() ? "" : after.split("\\s+")[0].toLowerCase(Locale.ROOT);
    return word.equals("standby") ? Role.STANDBY : Role.MASTER;
  }

  private static Optional<InetAddress> literal(String text, RecordType type) {
    boolean ok =
        type == RecordType.A
            ? text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
            : text.matches("[0-9A-Fa-f:.]+") && text.contains(":");
    if (!ok) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.ofLiteral(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Index of the type token: after the owner (if any), then TTL and class in either order. */
  private static int typeIndex(Entry e) {
    int i = e.hasOwner() ? 1 : 0;
    for (int k = 0; k < 2 && i < e.tokens().size(); k++) {
      String t = e.tokens().get(i).text();
      if (CLASS.matcher(t).matches() || TTL.matcher(t).matches()) {
        i++;
      } else {
        break;
      }
    }
    return i;
  }

  /** Splits the text into entries, honouring quotes, escapes, comments and parentheses. */
  static List<Entry> entries(String zone) throws ZoneException {
    List<Entry> out = new ArrayList<>();
    int n = zone.length();
    int i = 0;
    int line = 1;
    int depth = 0;
    List<Token> tokens = null;
    List<String> comments = null;
    int startLine = 0;
    boolean hasOwner = false;
    boolean atLineStart = true;
    int lastLine = 0;
    while (i <= n) {
      if (atLineStart && depth == 0) {
        if (tokens != null && (!tokens.isEmpty() || !comments.isEmpty())) {
          out.add(new Entry(startLine, hasOwner, tokens, comments, lastLine != startLine));
        }
        if (i == n) {
          break;
        }
        tokens = new ArrayList<>();
        comments = new ArrayList<>();
        startLine = line;
        lastLine = line;
        hasOwner =
            zone.charAt(i) != ' '
                && zone.charAt(i) != '\t'
                && zone.charAt(i) != '\n'
                && zone.charAt(i) != '\r'
                && zone.charAt(i) != ';';
        atLineStart = false;
      }
      if (i == n) {
        if (depth > 0) {
          throw new ZoneException(
              "line " + startLine + ": unbalanced \"(\" (expected: a closing \")\")");
        }
        atLineStart = true;
        continue;
      }
      char c = zone.charAt(i);
      if (c == '\n') {
        line++;
        i++;
        atLineStart = depth == 0; // inside parentheses the record goes on
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        i++;
        continue;
      }
      if (c == ';') {
        int end = zone.indexOf('\n', i);
        end = end < 0 ? n : end;
        comments.add(zone.substring(i, end));
        lastLine = line;
        i = end;
        continue;
      }
      if (c == '(') {
        lastLine = line;
        depth++;
        i++;
        continue;
      }
      if (c == ')') {
        if (depth == 0) {
          throw new ZoneException("line " + line + ": \")\" without \"(\"");
        }
        lastLine = line;
        depth--;
        i++;
        continue;
      }
      int start = i;
      if (c == '"') {
        i++;
        while (i < n && zone.charAt(i) != '"') {
          if (zone.charAt(i) == '\\' && i + 1 < n) {
            i++;
          }
          if (zone.charAt(i) == '\n') {
            line++;
          }
          i++;
        }
        if (i >= n) {
          throw new ZoneException("line " + line + ": unterminated quoted string");
        }
        i++;
      } else {
        while (i < n) {
          char d = zone.charAt(i);
          if (d == '\\' && i + 1 < n) {
            i += 2;
            continue;
          }
          if (d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == ';' || d == '(' || d == ')'
              || d == '"') {
            break;
          }
          i++;
        }
      }
      lastLine = line;
      tokens.add(new Token(zone.substring(start, i), start));
    }
    return out;
  }
}
