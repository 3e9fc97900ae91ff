package org.vrrpagent.core.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's keepalived in a lab host, in the foreground, VRRP only, logging to its lab log, with pid
 * files in the lab's work directory (so runs never collide on /run/keepalived*.pid). {@link
 * NetnsLab#close()} kills it with its children.
 */
public final class Keepalived {
  private Keepalived() {}

  /** Writes {@code config} and starts keepalived with it in host {@code host}. */
  public static NetnsLab.LabProcess start(NetnsLab lab, int host, String config) {
    String name = lab.namespace(host) + "-keepalived-" + System.nanoTime();
    Path dir = lab.workDir();
    Path conf = dir.resolve(name + ".conf");
    try {
      Files.writeString(conf, config, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lab.start(
        host,
        "keepalived",
        "--dont-fork",
        "--log-console",
        "--log-detail",
        "--no-syslog",
        "--vrrp",
        "--use-file=" + conf,
        "--pid=" + dir.resolve(name + ".pid"),
        "--vrrp_pid=" + dir.resolve(name + "-vrrp.pid"),
        "--checkers_pid=" + dir.resolve(name + "-checkers.pid"));
  }
}
