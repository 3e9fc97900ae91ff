package org.vrrpagent.checks.probe;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.checks.CheckScheduler;

/**
 * Runs a {@code file} check as soon as its file changes (inotify through the JDK's WatchService),
 * as keepalived's track_file does, instead of waiting for the check's next interval. Watches the
 * file's directory, so a file replaced by rename ({@code echo 5 > f.tmp && mv f.tmp f}) or created
 * later is seen too. One virtual thread.
 */
public final class FileChangeTrigger implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileChangeTrigger.class);

  /** Most watched files. */
  public static final int MAX_FILES = 1024;

  private final CheckScheduler scheduler;
  private final WatchService watcher;
  private final Map<Path, List<String>> checksByFile = new ConcurrentHashMap<>();
  private final Map<Path, WatchKey> keysByDir = new ConcurrentHashMap<>();
  private final Thread thread;

  public FileChangeTrigger(CheckScheduler scheduler) throws IOException {
    this.scheduler = scheduler;
    this.watcher = FileSystems.getDefault().newWatchService();
    this.thread = Thread.ofVirtual().name("check-file-watch").start(this::loop);
  }

  /** Runs {@code check} whenever {@code file} is created, written, replaced or deleted. */
  public synchronized void watch(String check, Path file) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    if (!checksByFile.containsKey(abs) && checksByFile.size() >= MAX_FILES) {
      throw new IllegalArgumentException("file checks: more than " + MAX_FILES + " files watched");
    }
    Path dir = abs.getParent();
    if (!keysByDir.containsKey(dir)) {
      keysByDir.put(
          dir,
          dir.register(
              watcher,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE));
    }
    checksByFile.computeIfAbsent(abs, k -> new ArrayList<>()).add(check);
  }

  private void loop() {
    while (true) {
      WatchKey key;
      try {
        key = watcher.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      Path dir = (Path) key.watchable();
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
          checksByFile.forEach(
              (file, checks) -> checks.forEach(scheduler::runNow)); // lost events: re-read all
          continue;
        }
        Path changed = dir.resolve((Path) event.context());
        List<String> checks = checksByFile.get(changed);
        if (checks != null) {
          log.debug("{} changed: running {}", changed, checks);
          checks.forEach(scheduler::runNow);
        }
      }
      key.reset();
    }
  }

  @Override
  public void close() {
    try {
      watcher.close();
    } catch (IOException e) {
      log.debug("closing the file watcher: {}", e.toString());
    }
    thread.interrupt();
  }
}
