package org.vrrpagent.checks;

import java.nio.file.Path;

/**
 * {@code file}: an integer read from a file, keepalived's {@code track_file}. The result carries
 * the value; the tracking weight multiplies it (see docs/checks.md). The status is up when the
 * value is 0 and down otherwise, so that a weight-0 track turns a non-zero value into FAULT exactly
 * as keepalived does. The file is re-read only when its size, modification time or inode changed.
 *
 * @param path the file; required. A missing or empty file reads as 0 (as keepalived); an unparsable
 *     one is down.
 */
public record FileProbeSpec(Path path) implements ProbeSpec {

  /** Most bytes read from the file. */
  public static final int MAX_FILE_BYTES = 127; // keepalived reads the same

  /** A value × weight at or below this puts the instance in FAULT (keepalived). */
  public static final int FAULT_AT_OR_BELOW = -254;

  public FileProbeSpec {
    if (path == null) {
      throw OptionRules.invalid("path", "missing path (expected: an absolute path)");
    }
    path = OptionRules.absolutePath(path, "path");
  }

  @Override
  public String kind() {
    return "file";
  }

  @Override
  public String describe() {
    return "file " + path;
  }
}
