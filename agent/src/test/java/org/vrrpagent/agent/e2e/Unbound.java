package org.vrrpagent.agent.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Debian's unbound on a lab host's own loopback (127.0.0.1:53), answering one TXT record; killed
 * with the lab.
 */
public final class Unbound {
  private Unbound() {}

  /**
   * Starts it in {@code host} and waits (at most 10 s) until it answers {@code example.org TXT
   * "txt"}.
   */
  public static NetnsLab.LabProcess start(NetnsLab lab, int host, String txt) {
    String dir = lab.workDir().toString();
    long run = System.nanoTime();
    String conf =
        """
        server:
          interface: 127.0.0.1
          port: 53
          do-daemonize: no
          username: ""
          chroot: ""
          directory: "%s"
          pidfile: "%s/unbound-h%d-%d.pid"
          use-syslog: no
          logfile: ""
          do-ip6: no
          module-config: "iterator"
          local-zone: "example.org." static
          local-data: 'example.org. 60 IN TXT "%s"'
        remote-control:
          control-enable: no
        """
            .formatted(dir, dir, host, run, txt);
    Path file = lab.workDir().resolve("unbound-h" + host + "-" + run + ".conf");
    try {
      Files.writeString(file, conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    NetnsLab.LabProcess p = lab.start(host, "unbound", "-d", "-c", file.toString());
    Awaitility.await("unbound on host " + host + " answers")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                lab.exec(
                        host,
                        "dig",
                        "@127.0.0.1",
                        "+time=1",
                        "+tries=1",
                        "+short",
                        "example.org",
                        "TXT")
                    .stdout()
                    .contains(txt));
    return p;
  }
}
