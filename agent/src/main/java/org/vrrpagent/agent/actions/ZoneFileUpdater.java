package org.vrrpagent.agent.actions;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.vrrpagent.agent.actions.DnsUpdater.RRsetKey;
import org.vrrpagent.agent.config.ActionsConfig.Verify;
import org.vrrpagent.agent.config.ActionsConfig.ZoneFile;
import org.vrrpagent.agent.notify.ActionEvent.Result;
import org.vrrpagent.base.ProcessGroupRunner;
import org.vrrpagent.base.StrictText;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;

/**
 * One run of a {@code zone-file} action: under a lock, rewrite the marked records ({@link
 * ZoneRewriter}), write atomically (temp file in the same directory with the original's owner and
 * mode, fsync, rename) after keeping a backup, run the reload command with a time limit, verify by
 * query; when the reload or the verification fails, put the original back byte for byte, reload
 * again and say so. Nothing at all happens when the records already name the right nodes.
 */
final class ZoneFileUpdater {
  /** Suffix of the copy of the last zone before a rewrite, beside the zone file. */
  static final String BACKUP_SUFFIX = ".vrrp-agent.bak";

  /** Suffix of the lock file beside the zone file: two writers never interleave. */
  static final String LOCK_SUFFIX = ".vrrp-agent.lock";

  /** How long the verifying query is retried after a successful reload (servers load async). */
  static final Duration VERIFY_FOR = Duration.ofSeconds(10);

  /** In-process lock per file (a file lock is per process, not per thread). */
  private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  /** What happened, for the event. */
  record Outcome(Result result, String detail) {}

  private final ProcessGroupRunner runner;
  private final Clock clock;

  ZoneFileUpdater(ProcessGroupRunner runner, Clock clock) {
    this.runner = runner;
    this.clock = clock;
  }

  Outcome apply(ZoneFile configured, ZoneRewriter.Roles roles) throws InterruptedException {
    ZoneFile z;
    try {
      // A symbolic link is followed: the file it names is rewritten, and the link stays.
      Path real = configured.path().toRealPath();
      z =
          new ZoneFile(
              real,
              configured.marker(),
              configured.reload(),
              configured.reloadTimeout(),
              configured.verify(),
              configured.on());
    } catch (IOException e) {
      return new Outcome(
          Result.FAILED, "cannot read " + configured.path() + ": " + e + "; nothing changed");
    }
    ReentrantLock local = LOCKS.computeIfAbsent(z.path(), p -> new ReentrantLock());
    local.lockInterruptibly();
    try (FileChannel lockFile =
            FileChannel.open(
                lockPath(z.path()), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = lockFile.lock()) {
      return applyLocked(z, roles);
    } catch (IOException e) {
      return new Outcome(
          Result.FAILED, "cannot lock " + lockPath(z.path()) + ": " + e + "; nothing changed");
    } finally {
      local.unlock();
    }
  }

  static Path lockPath(Path zone) {
    return zone.resolveSibling(zone.getFileName() + LOCK_SUFFIX);
  }

  static Path backupPath(Path zone) {
    return zone.resolveSibling(zone.getFileName() + BACKUP_SUFFIX);
  }

  private Outcome applyLocked(ZoneFile z, ZoneRewriter.Roles roles) throws InterruptedException {
    byte[] original;
    String text;
    try {
      original = ZoneRewriter.readZone(z.path());
      text = new String(original, StandardCharsets.UTF_8); // valid UTF-8: readZone checked it
    } catch (StrictText.Refused e) {
      return new Outcome(Result.FAILED, z.path() + ZoneRewriter.refusal(e) + "; nothing changed");
    } catch (IOException e) {
      return new Outcome(Result.FAILED, "cannot read " + z.path() + ": " + e + "; nothing changed");
    }
    ZoneRewriter.Result r;
    try {
      r =
          ZoneRewriter.rewrite(
              text, z.marker(), roles, LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    } catch (ZoneRewriter.ZoneException e) {
      return new Outcome(Result.FAILED, z.path() + ": " + e.getMessage() + "; nothing changed");
    }
    if (!r.changed()) {
      return new Outcome(
          Result.UNCHANGED,
          r.marked()
              + " marked record(s) already right; serial "
              + r.oldSerial()
              + " kept, no reload");
    }
    byte[] rewritten = r.text().getBytes(StandardCharsets.UTF_8);
    try {
      writeAtomically(backupPath(z.path()), original, z.path());
      writeAtomically(z.path(), rewritten, z.path());
    } catch (IOException e) {
      return new Outcome(
          Result.FAILED, "cannot write " + z.path() + ": " + e + "; the zone file is as it was");
    }
    String change =
        r.rewritten() + " record(s) rewritten, serial " + r.oldSerial() + " -> " + r.newSerial();
    Optional<String> failure = reload(z);
    if (failure.isEmpty() && z.verify().isPresent()) {
      failure = verify(z.verify().get(), roles);
    }
    if (failure.isEmpty()) {
      return new Outcome(
          Result.CHANGED, change + ", reloaded" + (z.verify().isPresent() ? " and verified" : ""));
    }
    // Put the original back byte for byte and make the server load it again.
    try {
      writeAtomically(z.path(), original, z.path());
    } catch (IOException e) {
      return new Outcome(
          Result.FAILED,
          change
              + " but "
              + failure.get()
              + "; restoring the original FAILED: "
              + e
              + " (the original is in "
              + backupPath(z.path())
              + ")");
    }
    Optional<String> again = reload(z);
    return new Outcome(
        Result.RESTORED,
        change
            + " but "
            + failure.get()
            + "; original restored byte for byte (serial "
            + r.oldSerial()
            + ") and "
            + (again.isEmpty() ? "reloaded" : "reloading it failed too: " + again.get()));
  }

  private Optional<String> reload(ZoneFile z) throws InterruptedException {
    ProcessGroupRunner.Result res =
        runner.run(
            ProcessGroupRunner.Run.of(z.reload(), z.reloadTimeout()).withMaxOutputBytes(4096));
    if (res.succeeded()) {
      return Optional.empty();
    }
    String out = res.stdout().strip().replace('\n', ' ');
    if (out.length() > 200) {
      out = out.substring(0, 200) + "…";
    }
    return Optional.of(
        "reload "
            + String.join(" ", z.reload())
            + switch (res.outcome()) {
              case EXITED -> " exited with " + res.exitStatus();
              case TIMED_OUT -> " timed out after " + z.reloadTimeout().toMillis() + " ms";
              case REFUSED -> " was refused (too many processes running)";
              case NOT_STARTED -> " did not start: " + res.note();
              case STOPPED -> " was stopped (shutdown)";
            }
            + (out.isEmpty() ? "" : " (" + out + ")"));
  }

  private Optional<String> verify(Verify v, ZoneRewriter.Roles roles) throws InterruptedException {
    InetAddress want = roles.address(v.value(), v.type()).orElseThrow();
    long deadline = System.nanoTime() + VERIFY_FOR.toNanos();
    String last = "";
    while (true) {
      try {
        SimpleResolver resolver = new SimpleResolver(v.server().host());
        resolver.setPort(v.server().port());
        resolver.setTimeout(Duration.ofSeconds(2));
        Name name = Name.fromString(v.name(), Name.root);
        String mismatch =
            DnsUpdater.verify(resolver, Map.of(new RRsetKey(name, v.type()), Set.of(want)));
        if (mismatch == null) {
          return Optional.empty();
        }
        last = mismatch;
      } catch (IOException e) {
        last = e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        return Optional.of("verification at " + v.server() + " failed: " + last);
      }
      Thread.sleep(250);
    }
  }

  /**
   * Writes {@code bytes} to {@code target} through a temp file in its directory with {@code like}'s
   * owner, group and mode, synced, then renamed over it: a reader sees the old or the new file,
   * never half of one.
   */
  static void writeAtomically(Path target, byte[] bytes, Path like) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      if (Files.exists(like)) {
        PosixFileAttributes a =
            Files.readAttributes(like, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        view.setPermissions(a.permissions());
        PosixFileAttributes mine = view.readAttributes();
        if (!mine.owner().equals(a.owner())) {
          view.setOwner(a.owner());
        }
        if (!mine.group().equals(a.group())) {
          view.setGroup(a.group());
        }
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename atomically in " + dir + ": " + e.getMessage(), e);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException ignored) {
        // some file systems refuse to sync a directory; the rename itself has happened
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
