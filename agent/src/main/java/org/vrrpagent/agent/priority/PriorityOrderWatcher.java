package org.vrrpagent.agent.priority;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the directory of a priority-order file (inotify through {@link WatchService}), so that an
 * editor's write-temp-and-rename, {@code sed -i} (which renames too), an in-place write and a
 * deletion are all seen, and signals the {@link PriorityOrderReloader}, which debounces and reads.
 * One daemon thread per watched file. If the directory itself disappears, the watcher re-registers
 * once it is back (checked every {@link #RETRY}).
 */
public final class PriorityOrderWatcher implements AutoCloseable {
  static final java.time.Duration RETRY = java.time.Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(PriorityOrderWatcher.class);

  private final PriorityOrderReloader reloader;
  private final Path directory;
  private final Path name;
  private final WatchService watchService;
  private final Thread thread;
  private volatile boolean closed;

  private PriorityOrderWatcher(PriorityOrderReloader reloader) throws IOException {
    this.reloader = reloader;
    Path file = reloader.file().toAbsolutePath();
    this.directory = file.getParent();
    this.name = file.getFileName();
    this.watchService = FileSystems.getDefault().newWatchService();
    this.thread = Thread.ofPlatform().daemon().name("priority-order " + name).unstarted(this::loop);
  }

  /** Loads the file now, then watches it until {@link #close()}. */
  public static PriorityOrderWatcher start(PriorityOrderReloader reloader) throws IOException {
    PriorityOrderWatcher w = new PriorityOrderWatcher(reloader);
    boolean registered = w.register();
    reloader.loadNow();
    if (!registered) {
      LOG.warn("{}: directory missing; watching for it every {}", w.directory, RETRY);
    }
    w.thread.start();
    return w;
  }

  private boolean register() {
    try {
      directory.register(
          watchService,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void loop() {
    boolean registered = true;
    while (!closed) {
      try {
        if (!registered) {
          registered = register();
          if (registered) {
            reloader.fileChanged();
          } else {
            Thread.sleep(RETRY); // waiting for the directory to come back
            continue;
          }
        }
        WatchKey key = watchService.poll(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        if (key == null) {
          continue;
        }
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context())) {
            relevant = true;
          }
        }
        if (relevant) {
          reloader.fileChanged();
        }
        if (!key.reset()) {
          registered = false; // the directory went away
          reloader.fileChanged();
        }
      } catch (ClosedWatchServiceException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      watchService.close();
    } catch (IOException e) {
      LOG.debug("closing the watch service of {}", directory, e);
    }
    thread.interrupt();
    try {
      thread.join(RETRY.toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
