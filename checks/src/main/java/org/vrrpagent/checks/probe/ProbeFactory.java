package org.vrrpagent.checks.probe;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.vrrpagent.base.ProcessGroupRunner;
import org.vrrpagent.checks.DnsProbeSpec;
import org.vrrpagent.checks.FileProbeSpec;
import org.vrrpagent.checks.HttpProbeSpec;
import org.vrrpagent.checks.InterfaceProbeSpec;
import org.vrrpagent.checks.InvalidOptionException;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeSpec;
import org.vrrpagent.checks.ProcessProbeSpec;
import org.vrrpagent.checks.ScriptProbeSpec;
import org.vrrpagent.checks.TcpProbeSpec;

/**
 * Makes probes from specs and owns the threads they share:
 *
 * <ul>
 *   <li>http and tcp: one Netty event loop group (epoll when available), {@code ioThreads} platform
 *       threads;
 *   <li>dns: dnsjava's single NIO selector thread;
 *   <li>process, file, interface: virtual threads (the blocking /proc and /sys reads);
 *   <li>script: the {@link ProcessGroupRunner} (one platform thread per live run, at most {@code
 *       maxScriptRuns} at once; past that a run is refused and the check is down for that run).
 * </ul>
 *
 * So a thousand checks cost a handful of platform threads. Close it after the scheduler.
 */
public final class ProbeFactory implements AutoCloseable {
  /**
   * dnsjava checks timeouts only every this many ms (its default is 1000); set before dnsjava
   * starts.
   */
  public static final int DNSJAVA_SELECTOR_TIMEOUT_MS = 50;

  static {
    if (System.getProperty("dnsjava.nio.selector_timeout") == null) {
      System.setProperty(
          "dnsjava.nio.selector_timeout", Integer.toString(DNSJAVA_SELECTOR_TIMEOUT_MS));
    }
  }

  private final EventLoopGroup eventLoop;
  private final Class<? extends SocketChannel> channelClass;
  private final ExecutorService virtualThreads;
  private final ProcessGroupRunner scriptRuns;

  /**
   * @param ioThreads Netty event loop threads for http/tcp probes; 1 is plenty for thousands of
   *     checks
   * @param maxScriptRuns script runs live at once
   */
  public ProbeFactory(int ioThreads, int maxScriptRuns) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.eventLoop =
        new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("check-io", true), io);
    this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    this.virtualThreads =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("check-", 0).factory());
    this.scriptRuns = new ProcessGroupRunner("script", maxScriptRuns);
  }

  public ProbeFactory() {
    this(1, ProcessGroupRunner.DEFAULT_MAX_LIVE);
  }

  /** The script checks' runs: live, started, refused, timed out (for metrics). */
  public ProcessGroupRunner scriptRuns() {
    return scriptRuns;
  }

  /**
   * What making the probe would refuse on this host, without making it: an https probe's {@code
   * ca-file} (read and parsed), a script's {@code user} (looked up in /etc/passwd). The
   * configuration loader calls this when it looks at the files a configuration names, so {@code
   * validate} refuses what {@link #create} would.
   *
   * @throws InvalidOptionException naming the key that cannot work here
   */
  public static void checkHere(ProbeSpec spec) {
    switch (spec) {
      case HttpProbeSpec s when s.https() -> TlsTrust.clientContext(s);
      case ScriptProbeSpec s when s.user() != null ->
          ScriptProbe.checkUserSwitch(s.user(), ScriptProbe.effectiveCapabilities());
      default -> {}
    }
  }

  /**
   * @throws InvalidOptionException when the spec cannot work here (unreadable ca-file, unknown
   *     script user); {@link #checkHere} says so beforehand
   */
  public Probe create(ProbeSpec spec) {
    return switch (spec) {
      case DnsProbeSpec s -> new DnsProbe(s, virtualThreads);
      case HttpProbeSpec s -> new HttpProbe(s, eventLoop, channelClass, virtualThreads);
      case TcpProbeSpec s -> new TcpProbe(s, eventLoop, channelClass, virtualThreads);
      case ProcessProbeSpec s -> new ProcessProbe(s, virtualThreads);
      case ScriptProbeSpec s -> {
        if (s.user() != null) {
          // fail at configuration time, not at first run
          ScriptProbe.checkUserSwitch(s.user(), ScriptProbe.effectiveCapabilities());
        }
        yield new ScriptProbe(s, scriptRuns);
      }
      case FileProbeSpec s -> new FileProbe(s, virtualThreads);
      case InterfaceProbeSpec s -> new InterfaceProbe(s, virtualThreads);
    };
  }

  @Override
  public void close() {
    eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    virtualThreads.shutdownNow();
    scriptRuns.close(); // every live script's process group: SIGTERM, grace, SIGKILL
  }
}
