package org.vrrpagent.agent.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Debian's nsd on a lab host's own loopback (127.0.0.1:53), serving one zone from its own directory
 * under the lab's work directory, with its own pid file, zone list and a control socket (a UNIX
 * socket: nsd-control needs no keys for it); killed with the lab.
 */
final class Nsd {
  final Path dir;
  final Path conf;
  final Path zoneFile;
  final NetnsLab.LabProcess process;

  private Nsd(Path dir, Path conf, Path zoneFile, NetnsLab.LabProcess process) {
    this.dir = dir;
    this.conf = conf;
    this.zoneFile = zoneFile;
    this.process = process;
  }

  /** Starts it in {@code host} with {@code zone} as example.org and waits until it answers. */
  static Nsd start(NetnsLab lab, int host, String zone) {
    Path dir = lab.workDir().resolve("nsd-h" + host);
    Path conf = dir.resolve("nsd.conf");
    Path zoneFile = dir.resolve("example.org.zone");
    try {
      Files.createDirectories(dir);
      Files.writeString(zoneFile, zone);
      Files.writeString(
          conf,
          """
          server:
            ip-address: 127.0.0.1
            port: 53
            username: ""
            chroot: ""
            zonesdir: "%1$s"
            pidfile: "%1$s/nsd.pid"
            database: ""
            zonelistfile: "%1$s/zone.list"
            xfrdfile: "%1$s/xfrd.state"
            xfrdir: "%1$s"
            logfile: "%1$s/nsd.log"
            verbosity: 1
          remote-control:
            control-enable: yes
            control-interface: "%1$s/control.sock"
          zone:
            name: example.org
            zonefile: example.org.zone
          """
              .formatted(dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    NetnsLab.LabProcess p = lab.start(host, "/usr/sbin/nsd", "-d", "-c", conf.toString());
    Nsd nsd = new Nsd(dir, conf, zoneFile, p);
    Awaitility.await("nsd on host " + host + " answers")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !nsd.answer(lab, host, "example.org", "SOA").isEmpty());
    return nsd;
  }

  /** {@code dig +short} at 127.0.0.1 in {@code host}. */
  String answer(NetnsLab lab, int host, String name, String type) {
    return lab.exec(host, "dig", "@127.0.0.1", "+time=1", "+tries=1", "+short", name, type)
        .stdout()
        .strip();
  }

  /** The reload command for the zone-file action. */
  String reloadArgv() {
    return "[/usr/sbin/nsd-control, -c, \"" + conf + "\", reload, example.org]";
  }
}
