package org.vrrpagent.agent.actions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vrrpagent.base.StrictText;

/**
 * A TSIG secret file: the base64 secret alone, or a BIND key clause as {@code tsig-keygen} prints
 * it:
 *
 * <pre>
 * key "vrrp-agent" {
 *         algorithm hmac-sha256;
 *         secret "c2VjcmV0...";
 * };
 * </pre>
 *
 * A clause must name the configured key and algorithm, so a file for another key is refused before
 * any update is signed with it.
 */
public final class TsigSecret {
  /** Largest secret file read. */
  public static final int MAX_FILE_BYTES = 8192;

  private static final Pattern CLAUSE =
      Pattern.compile(
          "key\\s+\"?([^\"\\s{]+)\"?\\s*\\{(.*?)}\\s*;?",
          Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern ALGORITHM =
      Pattern.compile("algorithm\\s+\"?([A-Za-z0-9.-]+)\"?\\s*;", Pattern.CASE_INSENSITIVE);
  private static final Pattern SECRET = Pattern.compile("secret\\s+\"([^\"]*)\"\\s*;");

  private TsigSecret() {}

  /**
   * The secret's bytes (base64 text) from {@code file}.
   *
   * @throws IllegalArgumentException saying what is wrong with the content (expected: …)
   */
  public static String read(Path file, String keyName, String algorithm) throws IOException {
    String text;
    try {
      text = StrictText.read(file, MAX_FILE_BYTES);
    } catch (StrictText.Refused e) {
      throw new IllegalArgumentException(
          switch (e.problem()) {
            case TOO_LARGE ->
                "larger than " + MAX_FILE_BYTES + " bytes (expected: a TSIG key file)";
            case NOT_UTF8 ->
                "not UTF-8 text (malformed byte at offset "
                    + e.offset()
                    + "; expected: a TSIG key file)";
            case NOT_A_REGULAR_FILE ->
                "not a regular file (expected: a TSIG key file, not a FIFO or device)";
          });
    }
    return parse(text, keyName, algorithm);
  }

  /** As {@link #read}, from the file's text. */
  public static String parse(String text, String keyName, String algorithm) {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException(
          "empty (expected: the base64 secret, or a key clause as tsig-keygen prints it)");
    }
    String secret;
    Matcher m = CLAUSE.matcher(t);
    if (m.find()) {
      String name = m.group(1);
      if (!bare(name).equalsIgnoreCase(bare(keyName))) {
        throw new IllegalArgumentException(
            "holds key \""
                + name
                + "\" (expected: key \""
                + bare(keyName)
                + "\" as in tsig: name)");
      }
      Matcher a = ALGORITHM.matcher(m.group(2));
      if (a.find() && !a.group(1).toLowerCase(Locale.ROOT).equals(algorithm)) {
        throw new IllegalArgumentException(
            "key \""
                + name
                + "\" is "
                + a.group(1)
                + " (expected: "
                + algorithm
                + " as in tsig: algorithm)");
      }
      Matcher s = SECRET.matcher(m.group(2));
      if (!s.find()) {
        throw new IllegalArgumentException(
            "key \"" + name + "\" has no secret (expected: secret \"BASE64\";)");
      }
      secret = s.group(1).strip();
    } else if (t.contains("{") || t.contains("\"")) {
      throw new IllegalArgumentException(
          "not a key clause (expected: key \"NAME\" { algorithm ALG; secret \"BASE64\"; };)");
    } else {
      secret = t;
    }
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(secret);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the secret is not base64 (expected: base64, as tsig-keygen prints it)");
    }
    if (bytes.length < 16 || !secret.matches("[A-Za-z0-9+/=\\s]+")) {
      throw new IllegalArgumentException(
          "the secret is "
              + (bytes.length < 16 ? bytes.length + " bytes" : "not base64")
              + " (expected: base64 of at least 16 bytes, as tsig-keygen prints it)");
    }
    return secret.replaceAll("\\s", "");
  }

  private static String bare(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
