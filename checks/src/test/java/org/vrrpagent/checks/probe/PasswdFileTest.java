package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.checks.InvalidOptionException;

/** The user lookup a script check with {@code user:} makes at every run. */
class PasswdFileTest {
  @TempDir Path dir;

  private static final String ALICE = "alice:x:1001:1002::/home/alice:/bin/sh\n";

  @Test
  void theFirstLineNamingTheUserGivesItsPrimaryGroup() throws Exception {
    Path f = dir.resolve("passwd");
    Files.writeString(
        f, "root:x:0:0:root:/root:/bin/sh\nbroken\n" + ALICE + "alice:x:1001:9::/:/bin/sh\n");
    assertThat(new PasswdFile(f).primaryGid("alice")).isEqualTo(1002);
    assertThat(new PasswdFile(f).primaryGid("root")).isEqualTo(0);
  }

  @Test
  void theFileIsReadAgainOnlyWhenItChanged() throws Exception {
    Path f = dir.resolve("passwd");
    Files.writeString(f, ALICE);
    FileTime written = Files.getLastModifiedTime(f);
    PasswdFile passwd = new PasswdFile(f);
    assertThat(passwd.primaryGid("alice")).isEqualTo(1002);

    // Same inode, size and modification time: the copy in memory answers, not the file.
    Files.writeString(f, ALICE.replace("1002", "1003"));
    Files.setLastModifiedTime(f, written);
    assertThat(passwd.primaryGid("alice")).isEqualTo(1002);

    // A newer modification time (same size): read again.
    Files.setLastModifiedTime(f, FileTime.fromMillis(written.toMillis() + 1000));
    assertThat(passwd.primaryGid("alice")).isEqualTo(1003);

    // Another size (the time put back): read again.
    Files.writeString(f, ALICE.replace("1002", "10004"));
    Files.setLastModifiedTime(f, written);
    assertThat(passwd.primaryGid("alice")).isEqualTo(10004);
  }

  @Test
  void aUserAddedLaterIsFoundOnceTheFileChanged() throws Exception {
    Path f = dir.resolve("passwd");
    Files.writeString(f, ALICE);
    PasswdFile passwd = new PasswdFile(f);
    assertThatThrownBy(() -> passwd.primaryGid("bob"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("user \"bob\" is not in " + f + " (expected: a user of this host)");
    Files.writeString(f, ALICE + "bob:x:1005:1006::/home/bob:/bin/sh\n");
    assertThat(passwd.primaryGid("bob")).isEqualTo(1006);
  }

  @Test
  void anUnreadableFileOrGroupSaysSo() throws Exception {
    Path f = dir.resolve("passwd");
    assertThatThrownBy(() -> new PasswdFile(f).primaryGid("alice"))
        .hasMessage(
            "user \"alice\": cannot read " + f + ": " + f + " (expected: a readable " + f + ")");
    Files.writeString(f, "alice:x:1001:staff::/:/bin/sh\n");
    assertThatThrownBy(() -> new PasswdFile(f).primaryGid("alice"))
        .hasMessage(
            "user \"alice\": cannot read "
                + f
                + ": For input string: \"staff\" (expected: a readable "
                + f
                + ")");
  }

  @Test
  void theHostsFileKeepsItsMessages() {
    assertThatThrownBy(() -> PasswdFile.SYSTEM.primaryGid("no-such-user-x"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage(
            "user \"no-such-user-x\" is not in /etc/passwd (expected: a user of this host)");
    assertThat(PasswdFile.SYSTEM.primaryGid("root")).isEqualTo(0);
  }
}
