package org.vrrpagent.agent.daemon;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.linux.IpAddressTable;
import org.vrrpagent.core.linux.PacketSocketAnnouncer;
import org.vrrpagent.core.linux.RawSocketTransport;
import org.vrrpagent.core.linux.VirtualMacLink;
import org.vrrpagent.core.wire.AddressFamily;
import sun.misc.Signal;

/**
 * The running daemon: opens the transports, starts the engine, and on SIGTERM or SIGINT stops
 * it cleanly (a master sends priority 0 and removes its addresses) and exits 0.
 */
public final class Daemon {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  /** How long shutdown may take before we give up on a clean exit. */
  public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

  private final Config config;
  private final CountDownLatch stop = new CountDownLatch(1);

  public Daemon(Config config) {
    this.config = config;
  }

  /** Runs until SIGTERM/SIGINT. Returns the exit code. */
  public int run(PrintWriter err) {
    for (String signal : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(signal), s -> {
        log.info("SIG{}: stopping", s.getName());
        stop.countDown();
      });
    }
    PacketSocketAnnouncer announcer;
    try {
      announcer = PacketSocketAnnouncer.open();
    } catch (TransportException e) {
      err.println("vrrp-agent: " + e.getMessage());
      return 1;
    }
    List<VirtualMacLink> virtualMacs = new ArrayList<>();
    try {
      for (InstanceConfig i : config.instances().values()) {
        if (i.virtualMac()) {
          virtualMacs.add(VirtualMacLink.create(i.interfaceName(), i.family(), i.vrid()));
        }
      }
    } catch (TransportException e) {
      err.println("vrrp-agent: " + e.getMessage());
      closeAll(virtualMacs);
      announcer.close();
      return 1;
    }
    DropLog drops = new DropLog();
    Engine engine = new Engine(new IpAddressTable(), announcer, drops);
    Map<EngineAssembly.TransportKey, Transport> transports = null;
    try {
      transports = EngineAssembly.assemble(config, engine, Daemon::open, Map.of());
      for (InstanceConfig i : config.instances().values()) {
        if (i.virtualMac() && i.family() == AddressFamily.IPV4 && !i.unicast()
            && transports.get(EngineAssembly.TransportKey.of(i)) instanceof RawSocketTransport t) {
          // Adverts with the virtual MAC as source (RFC 9568 §7.2), as keepalived's use_vmac sends them.
          t.sendFromVirtualMac(i.vrid(), VirtualMacLink.interfaceName(i.family(), i.vrid()));
        }
      }
    } catch (TransportException | IllegalArgumentException e) {
      err.println("vrrp-agent: " + e.getMessage());
      if (transports != null) {
        transports.values().forEach(Transport::close);
      }
      closeAll(virtualMacs);
      announcer.close();
      return 1;
    }
    try {
      engine.start();
      log.info("node {}: running {} instance(s): {}", config.node(), config.instances().size(),
          String.join(", ", config.instances().keySet()));
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      boolean clean = engine.shutdown(SHUTDOWN_TIMEOUT);
      transports.values().forEach(Transport::close);
      // After the engine: a master's addresses are off the macvlans before they go.
      closeAll(virtualMacs);
      announcer.close();
      log.info("stopped{}", clean ? "" : " (not cleanly: see above)");
    }
    return 0;
  }

  /** Removes the macvlans in reverse order of creation (so shared sysctls get their first value back). */
  private static void closeAll(List<VirtualMacLink> links) {
    for (VirtualMacLink link : links.reversed()) {
      try {
        link.close();
      } catch (TransportException e) {
        log.warn("{}", e.getMessage());
      }
    }
  }

  /** Asks the daemon to stop, as SIGTERM does. */
  public void stop() {
    stop.countDown();
  }

  /** Waits for {@link #run} to have been asked to stop (tests). */
  boolean awaitStopRequest(long millis) throws InterruptedException {
    return stop.await(millis, TimeUnit.MILLISECONDS);
  }

  private static Transport open(EngineAssembly.TransportKey key, Engine engine) {
    RawSocketTransport.Options options = new RawSocketTransport.Options(
        key.interfaceName(), key.family(), key.source().orElse(null), key.unicastPeers());
    return RawSocketTransport.open(options, packet -> engine.receive(key, packet));
  }

  /** Logs drops at debug level; the first of each reason at info so an operator sees it once. */
  private static final class DropLog implements EngineListener {
    private final java.util.Set<org.vrrpagent.core.wire.DropReason> seen =
        java.util.EnumSet.noneOf(org.vrrpagent.core.wire.DropReason.class);

    @Override
    public void dropped(String router, org.vrrpagent.core.wire.DropReason reason, String detail) {
      String who = router == null ? "" : router + ": ";
      if (seen.add(reason)) {
        log.info("{}dropped a packet ({}): {} (further drops of this kind are logged at debug level)",
            who, reason.label(), detail);
      } else {
        log.debug("{}dropped a packet ({}): {}", who, reason.label(), detail);
      }
    }

    @Override
    public void failure(String router, String message) {
      log.error("{}: {}", router, message);
    }
  }
}
