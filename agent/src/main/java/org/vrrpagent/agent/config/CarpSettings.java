package org.vrrpagent.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.vrrpagent.base.StrictText;
import org.vrrpagent.core.carp.CarpDigest;

/**
 * The CARP part of an instance with {@code protocol: carp} (see docs/carp.md): what VRRP has no
 * word for. The rest (interface, vhid as the instance's id, addresses, preempt, track,
 * priority-order) lives in {@link InstanceConfig} as for VRRP.
 *
 * @param advbaseSeconds 1..255
 * @param advskew the configured skew, 0..254
 * @param password the passphrase given inline
 * @param passwordFile or a file whose first line is the passphrase (read at start and at reload)
 * @param fromFile the passphrase as {@link #load} read it from {@code passwordFile} when the
 *     configuration was loaded; part of equality, so that a reload notices a changed file
 */
public record CarpSettings(
    int advbaseSeconds,
    int advskew,
    Optional<String> password,
    Optional<Path> passwordFile,
    Optional<String> fromFile) {

  /** The most a password file may hold; its first line is the passphrase. */
  public static final int MAX_PASSWORD_FILE_BYTES = 1024;

  public CarpSettings {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(passwordFile, "passwordFile");
    Objects.requireNonNull(fromFile, "fromFile");
    if (password.isPresent() && passwordFile.isPresent()) {
      throw new IllegalArgumentException("password and password-file both set");
    }
    if (fromFile.isPresent() && passwordFile.isEmpty()) {
      throw new IllegalArgumentException("a passphrase read from no password-file");
    }
  }

  /** Settings whose password file, if any, is read when {@link #passphrase()} is called. */
  public CarpSettings(
      int advbaseSeconds, int advskew, Optional<String> password, Optional<Path> passwordFile) {
    this(advbaseSeconds, advskew, password, passwordFile, Optional.empty());
  }

  /**
   * Settings with the password file read now (at load: start, validate, reload), so that the
   * configuration carries the passphrase in force and a reload sees a changed file as a changed
   * instance.
   *
   * @throws IllegalArgumentException when the file cannot be read or its passphrase is too long
   */
  public static CarpSettings load(
      int advbaseSeconds, int advskew, Optional<String> password, Optional<Path> passwordFile) {
    Optional<String> read = passwordFile.map(CarpSettings::readFirstLine);
    read.ifPresent(CarpSettings::checkLength);
    return new CarpSettings(advbaseSeconds, advskew, password, passwordFile, read);
  }

  /**
   * The passphrase: inline, or the first line of the password file (without its line end); empty
   * when neither is set (carp(4)'s all-zero key).
   *
   * @throws IllegalArgumentException when the file cannot be read or the passphrase is too long
   */
  public String passphrase() {
    String p =
        password.orElseGet(
            () ->
                fromFile.orElseGet(() -> passwordFile.map(CarpSettings::readFirstLine).orElse("")));
    checkLength(p);
    return p;
  }

  private static void checkLength(String p) {
    int bytes = p.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > CarpDigest.KEY_BYTES) {
      throw new IllegalArgumentException(
          "CARP password of "
              + bytes
              + " bytes (expected: at most "
              + CarpDigest.KEY_BYTES
              + "; ucarp takes at most "
              + CarpDigest.UCARP_MAX_PASSPHRASE_BYTES
              + ")");
    }
  }

  private static String readFirstLine(Path file) {
    byte[] head;
    try {
      head = StrictText.readBytes(file, MAX_PASSWORD_FILE_BYTES);
    } catch (StrictText.Refused e) {
      throw new IllegalArgumentException(
          "CARP password-file "
              + file
              + switch (e.problem()) {
                case TOO_LARGE ->
                    " is longer than "
                        + MAX_PASSWORD_FILE_BYTES
                        + " bytes (expected: the passphrase on its first line)";
                case NOT_A_REGULAR_FILE ->
                    " is not a regular file (expected: the passphrase on its first line, not a FIFO"
                        + " or device)";
                case NOT_UTF8 -> " is not UTF-8 text (expected: the passphrase on its first line)";
              });
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read CARP password-file "
              + file
              + ": "
              + e.getMessage()
              + " (expected: a readable file)");
    }
    String text = new String(head, StandardCharsets.UTF_8);
    int end = text.indexOf('\n');
    String line = end < 0 ? text : text.substring(0, end);
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  @Override
  public String toString() {
    return "CarpSettings[advbase="
        + advbaseSeconds
        + "s, advskew="
        + advskew
        + (password.isPresent() ? ", password=(set)" : "")
        + passwordFile.map(f -> ", password-file=" + f).orElse("")
        + "]";
  }
}
