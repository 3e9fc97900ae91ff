package org.vrrpagent.agent.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.vrrpagent.base.StrictText;

/**
 * Reads a keepalived.conf as keepalived 2.2.7 does (keepalived.conf(5)): words separated by white
 * space, {@code "…"} and {@code '…'} quoting with keepalived's escapes, comments from {@code #} or
 * {@code !} to the end of the line, blocks in braces (also on one line: {@code virtual_ipaddress {
 * 198.18.0.1/24 }}), and the {@code include} family with globs relative to the including file. A
 * backslash at the end of a line is an ordinary character, as in keepalived 2.2.7 outside parameter
 * definitions ({@code priority \} is an unknown keyword there too). Every word keeps its file, line
 * and column; a text that cannot be read is refused with one {@link KeepalivedSyntaxException}
 * saying where and what was expected.
 */
public final class KeepalivedParser {
  /** Limit on one file's size. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

  /** Limit on block nesting (keepalived's deepest real block is 3). */
  public static final int MAX_DEPTH = 32;

  /** Limit on include nesting. */
  public static final int MAX_INCLUDE_DEPTH = 8;

  /** Limit on the number of files read through includes. */
  public static final int MAX_FILES = 256;

  /** Limit on statements across all files. */
  public static final int MAX_STATEMENTS = 200_000;

  /** Limit on one word's length. */
  public static final int MAX_WORD_CHARS = 64 * 1024;

  private static final Set<String> INCLUDES =
      Set.of("include", "includer", "includem", "includew", "includeb", "includea");

  /** A word of the file, with quotes and escapes resolved. */
  public record Word(String text, int line, int column) {
    @Override
    public String toString() {
      return text;
    }
  }

  /**
   * One line-statement: its words (the first is the keyword) and, when it opens a block, the
   * statements inside ({@code null} when it has no block).
   */
  public record Statement(
      String file, int line, int column, List<Word> words, List<Statement> block) {
    public String keyword() {
      return words.getFirst().text();
    }

    /** The words after the keyword. */
    public List<Word> args() {
      return words.subList(1, words.size());
    }

    public String where() {
      return file + ":" + line;
    }

    /** The statement as written (words joined by spaces), with {@code { … }} for a block. */
    public String text() {
      StringBuilder b = new StringBuilder();
      for (Word w : words) {
        if (!b.isEmpty()) {
          b.append(' ');
        }
        b.append(w.text());
      }
      if (block != null) {
        b.append(block.isEmpty() ? " { }" : " { … }");
      }
      return b.toString();
    }
  }

  /** What reading found besides the statements: includes that matched nothing, and the like. */
  public record Result(List<Statement> statements, List<String> notes) {}

  private final List<String> notes = new ArrayList<>();
  private final Set<Path> open = new HashSet<>();
  private int files;
  private int statements;

  private KeepalivedParser() {}

  /** Reads {@code file}; {@code displayName} stands for it in positions and comments. */
  public static Result parse(Path file, String displayName) throws KeepalivedSyntaxException {
    KeepalivedParser p = new KeepalivedParser();
    List<Statement> top = p.parseFile(file, displayName, 0, null);
    return new Result(top, List.copyOf(p.notes));
  }

  /** Reads configuration text; includes are resolved against {@code dir}. */
  public static Result parse(String text, String name, Path dir) throws KeepalivedSyntaxException {
    KeepalivedParser p = new KeepalivedParser();
    List<Statement> top = p.parseText(text, name, dir, 0);
    return new Result(top, List.copyOf(p.notes));
  }

  private List<Statement> parseFile(Path file, String name, int includeDepth, Statement from)
      throws KeepalivedSyntaxException {
    if (++files > MAX_FILES) {
      throw at(
          from,
          "more than "
              + MAX_FILES
              + " files through includes (expected: at most "
              + MAX_FILES
              + ")");
    }
    byte[] bytes;
    try {
      bytes = StrictText.readBytes(file, MAX_FILE_BYTES);
    } catch (StrictText.Refused e) {
      throw new KeepalivedSyntaxException(
          name,
          0,
          0,
          e.problem() == StrictText.Problem.TOO_LARGE
              ? "larger than "
                  + MAX_FILE_BYTES
                  + " bytes (expected: at most "
                  + MAX_FILE_BYTES
                  + " bytes)"
              : "not a regular file (expected: a keepalived.conf, not a FIFO or device)");
    } catch (IOException | SecurityException e) {
      String why =
          e instanceof java.nio.file.NoSuchFileException
              ? "no such file"
              : e instanceof java.nio.file.AccessDeniedException
                  ? "permission denied"
                  : String.valueOf(e.getMessage());
      if (from == null) {
        throw new KeepalivedSyntaxException(
            name, 0, 0, "cannot read: " + why + " (expected: a readable keepalived.conf)");
      }
      notes.add(
          from.where()
              + ": "
              + from.text()
              + ": cannot read "
              + name
              + ": "
              + why
              + " (keepalived's include skips it too)");
      return List.of();
    }
    Path real = file.toAbsolutePath().normalize();
    if (!open.add(real)) {
      throw at(from, "includes " + name + " again while reading it (expected: no include loop)");
    }
    try {
      Path dir = real.getParent();
      return parseText(new String(bytes, StandardCharsets.UTF_8), name, dir, includeDepth);
    } finally {
      open.remove(real);
    }
  }

  private static KeepalivedSyntaxException at(Statement s, String message) {
    return s == null
        ? new KeepalivedSyntaxException("?", 0, 0, message)
        : new KeepalivedSyntaxException(s.file(), s.line(), s.column(), message);
  }

  /** One file's text: the tokenizer and the block structure. */
  private List<Statement> parseText(String text, String name, Path dir, int includeDepth)
      throws KeepalivedSyntaxException {
    if (text.indexOf('\0') >= 0) {
      int at = text.indexOf('\0');
      int[] lc = lineCol(text, at);
      throw new KeepalivedSyntaxException(name, lc[0], lc[1], "a NUL byte (expected: a text file)");
    }
    // Stack of open blocks: each frame is the list statements are added to, and the statement
    // owning it.
    List<List<Statement>> stack = new ArrayList<>();
    List<Statement> owners = new ArrayList<>();
    List<Statement> top = new ArrayList<>();
    stack.add(top);
    owners.add(null);

    List<Word> words = new ArrayList<>();
    int line = 1;
    int col = 1;
    int i = 0;
    int n = text.length();
    StringBuilder word = null;
    int wordLine = 0;
    int wordCol = 0;
    while (true) {
      char c = i < n ? text.charAt(i) : '\n';
      boolean end = i >= n;
      boolean includeLine = !words.isEmpty() && INCLUDES.contains(words.getFirst().text());
      if (end
          || c == '\n'
          || c == ' '
          || c == '\t'
          || c == '\r'
          || c == '\f'
          || c == '\u000b'
          || c == '#'
          || c == '!'
          || (!includeLine && (c == '{' || c == '}'))) {
        if (word != null) {
          finishWord(words, word, wordLine, wordCol);
          word = null;
        }
        if (c == '#' || c == '!') {
          while (i < n && text.charAt(i) != '\n') {
            i++;
            col++;
          }
          continue;
        }
        if (end || c == '\n' || c == '{' || c == '}') {
          List<Statement> current = stack.getLast();
          if (!words.isEmpty()) {
            Statement s =
                new Statement(
                    name,
                    words.getFirst().line(),
                    words.getFirst().column(),
                    List.copyOf(words),
                    c == '{' ? new ArrayList<>() : null);
            words.clear();
            if (++statements > MAX_STATEMENTS) {
              throw new KeepalivedSyntaxException(
                  name,
                  s.line(),
                  s.column(),
                  "more than "
                      + MAX_STATEMENTS
                      + " statements (expected: at most "
                      + MAX_STATEMENTS
                      + ")");
            }
            if (s.block() == null && INCLUDES.contains(s.keyword())) {
              current.addAll(include(s, dir, includeDepth));
            } else {
              current.add(s);
            }
            if (c == '{') {
              push(stack, owners, s, name, line, col);
            }
          } else if (c == '{') {
            // "{" on its own line opens the block of the statement on the line before.
            Statement prev = current.isEmpty() ? null : current.getLast();
            if (prev == null || prev.block() != null || prev.line() >= line) {
              throw new KeepalivedSyntaxException(
                  name, line, col, "\"{\" without a keyword (expected: KEYWORD {)");
            }
            Statement s =
                new Statement(
                    prev.file(), prev.line(), prev.column(), prev.words(), new ArrayList<>());
            current.set(current.size() - 1, s);
            push(stack, owners, s, name, line, col);
          }
          if (c == '}') {
            if (stack.size() == 1) {
              throw new KeepalivedSyntaxException(
                  name, line, col, "\"}\" without an open block (expected: a matching {)");
            }
            stack.removeLast();
            Statement owner = owners.removeLast();
            ((ArrayList<Statement>) owner.block()).trimToSize();
          }
          if (end) {
            break;
          }
        }
        if (c == '\n') {
          line++;
          col = 1;
        } else {
          col++;
        }
        i++;
        continue;
      }
      // A word: plain characters and quoted parts, which may alternate ('ab"c d"e' is one word).
      if (word == null) {
        word = new StringBuilder();
        wordLine = line;
        wordCol = col;
      }
      if (c == '"' || c == '\'') {
        int qLine = line;
        int qCol = col;
        i++;
        col++;
        while (true) {
          if (i >= n) {
            throw new KeepalivedSyntaxException(
                name, qLine, qCol, "unterminated quoted string (expected: a closing " + c + ")");
          }
          char q = text.charAt(i);
          if (q == c) {
            i++;
            col++;
            break;
          }
          if (q == '\n') {
            throw new KeepalivedSyntaxException(
                name,
                qLine,
                qCol,
                "quoted string runs past the end of the line (expected: a closing "
                    + c
                    + " on line "
                    + qLine
                    + ")");
          }
          if (q == '\\' && i + 1 < n && text.charAt(i + 1) != '\n') {
            i = escape(text, i + 1, word);
            col = colAfter(text, i, line);
          } else {
            word.append(q);
            i++;
            col++;
          }
          if (word.length() > MAX_WORD_CHARS) {
            throw wordTooLong(name, wordLine, wordCol);
          }
        }
        continue;
      }
      word.append(c);
      if (word.length() > MAX_WORD_CHARS) {
        throw wordTooLong(name, wordLine, wordCol);
      }
      i++;
      col++;
    }
    if (stack.size() > 1) {
      Statement owner = owners.getLast();
      throw new KeepalivedSyntaxException(
          name,
          owner.line(),
          owner.column(),
          "block \"" + owner.keyword() + "\" is not closed at the end of the file (expected: })");
    }
    return top;
  }

  private static void push(
      List<List<Statement>> stack,
      List<Statement> owners,
      Statement s,
      String name,
      int line,
      int col)
      throws KeepalivedSyntaxException {
    if (stack.size() > MAX_DEPTH) {
      throw new KeepalivedSyntaxException(
          name,
          line,
          col,
          "blocks nested more than " + MAX_DEPTH + " deep (expected: at most " + MAX_DEPTH + ")");
    }
    stack.add(s.block());
    owners.add(s);
  }

  private static KeepalivedSyntaxException wordTooLong(String name, int line, int col) {
    return new KeepalivedSyntaxException(
        name,
        line,
        col,
        "a word longer than "
            + MAX_WORD_CHARS
            + " characters (expected: at most "
            + MAX_WORD_CHARS
            + ")");
  }

  private static void finishWord(List<Word> words, StringBuilder word, int line, int col) {
    if (word != null) {
      words.add(new Word(word.toString(), line, col));
    }
  }

  /** The column of offset {@code i}, which is on line {@code line} (escapes never span lines). */
  private static int colAfter(String text, int i, int line) {
    int start = text.lastIndexOf('\n', i - 1) + 1;
    return i - start + 1;
  }

  private static int[] lineCol(String text, int offset) {
    int line = 1;
    int start = 0;
    for (int k = 0; k < offset; k++) {
      if (text.charAt(k) == '\n') {
        line++;
        start = k + 1;
      }
    }
    return new int[] {line, offset - start + 1};
  }

  /**
   * keepalived's escapes in quoted strings: \a \b \E \f \n \r \t \v \nnn \xXX \cC, \C for any other
   * C.
   */
  private static int escape(String text, int i, StringBuilder out) {
    char e = text.charAt(i);
    switch (e) {
      case 'a' -> out.append('\u0007');
      case 'b' -> out.append('\b');
      case 'E' -> out.append('\u001b');
      case 'f' -> out.append('\f');
      case 'n' -> out.append('\n');
      case 'r' -> out.append('\r');
      case 't' -> out.append('\t');
      case 'v' -> out.append('\u000b');
      case 'x' -> {
        int k = i + 1;
        int v = 0;
        while (k < text.length() && k < i + 3 && Character.digit(text.charAt(k), 16) >= 0) {
          v = v * 16 + Character.digit(text.charAt(k), 16);
          k++;
        }
        if (k == i + 1) {
          out.append('x');
          return i + 1;
        }
        out.append((char) v);
        return k;
      }
      case 'c' -> {
        if (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
          out.append((char) (text.charAt(i + 1) & 0x1f));
          return i + 2;
        }
        out.append('c');
      }
      default -> {
        if (e >= '0' && e <= '7') {
          int k = i;
          int v = 0;
          while (k < text.length() && k < i + 3 && text.charAt(k) >= '0' && text.charAt(k) <= '7') {
            v = v * 8 + (text.charAt(k) - '0');
            k++;
          }
          out.append((char) (v & 0xff));
          return k;
        }
        out.append(e);
      }
    }
    return i + 1;
  }

  /** Expands {@code include PATTERN}: the matching files in name order, parsed in place. */
  private List<Statement> include(Statement s, Path dir, int includeDepth)
      throws KeepalivedSyntaxException {
    if (s.args().size() != 1) {
      throw new KeepalivedSyntaxException(
          s.file(),
          s.line(),
          s.column(),
          s.keyword()
              + " with "
              + s.args().size()
              + " arguments (expected: "
              + s.keyword()
              + " FILENAME)");
    }
    if (includeDepth >= MAX_INCLUDE_DEPTH) {
      throw new KeepalivedSyntaxException(
          s.file(),
          s.line(),
          s.column(),
          "includes nested more than "
              + MAX_INCLUDE_DEPTH
              + " deep (expected: at most "
              + MAX_INCLUDE_DEPTH
              + ")");
    }
    String pattern = s.args().getFirst().text();
    List<Path> matches;
    try {
      matches = glob(dir, pattern);
    } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
      notes.add(
          s.where()
              + ": "
              + s.text()
              + ": cannot expand ("
              + e.getMessage()
              + "); nothing included");
      return List.of();
    }
    if (matches.isEmpty()) {
      notes.add(
          s.where() + ": " + s.text() + ": no file matches; nothing included (as keepalived)");
      return List.of();
    }
    List<Statement> out = new ArrayList<>();
    for (Path p : matches) {
      String shown = Path.of(pattern).isAbsolute() ? p.toString() : displayName(s.file(), dir, p);
      out.addAll(parseFile(p, shown, includeDepth + 1, s));
    }
    return out;
  }

  /**
   * The included file's name as seen from the including file's name (keeps messages free of this
   * machine's paths).
   */
  private static String displayName(String includingName, Path dir, Path file) {
    Path rel = dir.relativize(file.toAbsolutePath().normalize());
    Path parent = Path.of(includingName).getParent();
    return (parent == null ? rel : parent.resolve(rel)).normalize().toString();
  }

  private static List<Path> glob(Path dir, String pattern) throws IOException {
    Path base = dir;
    Path p = Path.of(pattern.isEmpty() ? "." : pattern);
    if (p.isAbsolute()) {
      base = p.getRoot();
    }
    List<String> parts = new ArrayList<>();
    for (Path part : p) {
      parts.add(part.toString());
    }
    // Walk segment by segment: a plain segment is resolved, a wildcard one is matched in its
    // directory.
    List<Path> current = List.of(base);
    for (String part : parts) {
      List<Path> next = new ArrayList<>();
      boolean wild = part.chars().anyMatch(ch -> ch == '*' || ch == '?' || ch == '[' || ch == '{');
      for (Path d : current) {
        if (!wild) {
          Path r = d.resolve(part);
          if (Files.exists(r)) {
            next.add(r);
          }
          continue;
        }
        if (!Files.isDirectory(d)) {
          continue;
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + part);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
          for (Path e : ds) {
            if (m.matches(e.getFileName()) && !e.getFileName().toString().startsWith(".")) {
              next.add(e);
            }
          }
        }
        if (next.size() > MAX_FILES) {
          throw new IllegalArgumentException("more than " + MAX_FILES + " matches");
        }
      }
      current = next.stream().sorted().toList();
    }
    try (Stream<Path> s = current.stream()) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
