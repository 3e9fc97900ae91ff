package org.vrrpagent.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.vrrpagent.base.StrictText;
import org.vrrpagent.core.wire.HmacTrailer;

/**
 * vrrp-agent's own authentication of adverts between vrrp-agent peers: {@code auth: { type:
 * hmac-sha256, secret-file: PATH, replay-window: 30s }} (docs/geo-failover.md). Not interoperable:
 * keepalived and every other VRRP implementation drop such adverts.
 *
 * @param secretFile the file holding the shared secret: base64 of at least {@link
 *     HmacTrailer#MIN_SECRET_BYTES} bytes ({@code openssl rand -base64 32}); lines starting with
 *     {@code #} are comments
 * @param secret the secret as read at load (base64, whitespace removed); empty when the file was
 *     not read ({@code validate --syntax-only}). Part of equality, so a reload notices a new secret
 * @param replayWindow adverts whose sequence (the sender's clock) is further from ours are dropped
 */
public record HmacAuthConfig(Path secretFile, Optional<String> secret, Duration replayWindow) {
  public static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofSeconds(30);

  /** The most a secret file may hold. */
  public static final int MAX_FILE_BYTES = 1024;

  public HmacAuthConfig {
    Objects.requireNonNull(secretFile, "secretFile");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(replayWindow, "replayWindow");
  }

  /** The secret's bytes; throws when the file was not read. */
  public byte[] secretBytes() {
    return Base64.getDecoder()
        .decode(
            secret.orElseThrow(
                () -> new IllegalStateException("auth secret-file " + secretFile + " not read")));
  }

  /**
   * Reads the secret file: its text, stripped, must be base64 of at least {@link
   * HmacTrailer#MIN_SECRET_BYTES} bytes.
   *
   * @return the base64 text without whitespace
   * @throws IllegalArgumentException saying what is wrong (expected: …)
   */
  public static String read(Path file) {
    byte[] head;
    try {
      // Not Files.newInputStream: a FIFO named as the secret file would block the load for ever.
      head = StrictText.readBytes(file, MAX_FILE_BYTES);
    } catch (StrictText.Refused e) {
      throw new IllegalArgumentException(
          "secret-file"
              + switch (e.problem()) {
                case TOO_LARGE -> " is longer than " + MAX_FILE_BYTES + " bytes";
                case NOT_A_REGULAR_FILE -> " is not a regular file (a FIFO or device)";
                case NOT_UTF8 -> " is not text";
              }
              + " (expected: the base64 secret alone, e.g. from openssl rand -base64 32)");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + file + ": " + e.getMessage() + " (expected: a readable file)");
    }
    // Lines starting with # are comments; the rest, without whitespace, is the secret.
    String text =
        new String(head, StandardCharsets.US_ASCII)
            .lines()
            .filter(l -> !l.strip().startsWith("#"))
            .collect(java.util.stream.Collectors.joining())
            .replaceAll("\\s", "");
    byte[] bytes;
    try {
      bytes = text.matches("[A-Za-z0-9+/]*={0,2}") ? Base64.getDecoder().decode(text) : null;
    } catch (IllegalArgumentException e) {
      bytes = null;
    }
    if (bytes == null) {
      throw new IllegalArgumentException(
          "secret-file is not base64 (expected: the base64 secret alone, e.g. from openssl rand -base64"
              + " 32)");
    }
    if (bytes.length < HmacTrailer.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "secret-file holds a secret of "
              + bytes.length
              + " bytes (expected: at least "
              + HmacTrailer.MIN_SECRET_BYTES
              + " random bytes in base64, e.g. from openssl rand -base64 32)");
    }
    return text;
  }

  @Override
  public String toString() {
    return "HmacAuthConfig[secret-file="
        + secretFile
        + (secret.isPresent() ? ", secret=(hidden)" : "")
        + ", replay-window="
        + replayWindow
        + "]";
  }
}
