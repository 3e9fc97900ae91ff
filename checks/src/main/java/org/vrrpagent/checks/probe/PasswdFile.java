package org.vrrpagent.checks.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import org.vrrpagent.checks.InvalidOptionException;

/**
 * The users of a passwd(5) file and their primary groups, read once and read again only when the
 * file changed (another inode, size or modification time): a script check with {@code user:} looks
 * its user up at every run, and /etc/passwd rarely changes, so a run costs a stat, not a read.
 */
final class PasswdFile {
  /** The host's /etc/passwd, shared by every script probe. */
  static final PasswdFile SYSTEM = new PasswdFile(Path.of("/etc/passwd"));

  /** What the copy in memory was read from. */
  private record Stamp(Object fileKey, long size, FileTime modified) {}

  private final Path file;
  private Stamp stamp;

  /** Each user's gid field as written, the first line naming the user winning. */
  private Map<String, String> gidByUser = Map.of();

  PasswdFile(Path file) {
    this.file = file;
  }

  /**
   * The user's primary gid (setpriv needs a numeric or named gid).
   *
   * @throws InvalidOptionException when the file cannot be read or does not name the user
   */
  synchronized long primaryGid(String user) {
    try {
      String gid = current().get(user);
      if (gid != null) {
        return Long.parseLong(gid);
      }
    } catch (IOException | NumberFormatException e) {
      throw new InvalidOptionException(
          "user",
          "user \""
              + user
              + "\": cannot read "
              + file
              + ": "
              + e.getMessage()
              + " (expected: a readable "
              + file
              + ")");
    }
    throw new InvalidOptionException(
        "user", "user \"" + user + "\" is not in " + file + " (expected: a user of this host)");
  }

  private Map<String, String> current() throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    Stamp now = new Stamp(a.fileKey(), a.size(), a.lastModifiedTime());
    if (!now.equals(stamp)) {
      Map<String, String> gids = new HashMap<>();
      for (String line : Files.readAllLines(file)) {
        String[] f = line.split(":");
        if (f.length >= 4) {
          gids.putIfAbsent(f[0], f[3]);
        }
      }
      gidByUser = gids;
      stamp = now;
    }
    return gidByUser;
  }
}
