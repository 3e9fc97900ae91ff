package org.vrrpagent.core.bench;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vrrpagent.core.engine.AnnounceSchedule;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.engine.EngineScheduler;
import org.vrrpagent.core.engine.RouterBinding;
import org.vrrpagent.core.engine.TimerHeap;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.NeighborAnnouncer;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.io.TransportDrops;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ChecksumMode;

/**
 * The engine's steady-state paths, the whole shell around the state machine on one thread: a
 * MASTER's advertisement timer fires (timer heap → state machine → encoded advert → transport →
 * timer re-armed) and a BACKUP hears its master (queue → decode → demux → state machine → down
 * timer re-armed). The transport only counts what it is given. Run with the allocation profiler to
 * see the bytes each path allocates: {@code bin/bench vrrp-core Engine -prof gc} ({@code
 * gc.alloc.rate.norm}, B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineBenchmark {
  private static final InetAddress VIP = InetAddress.ofLiteral("198.18.0.100");
  private static final InetAddress ME = InetAddress.ofLiteral("198.18.0.1");
  private static final InetAddress PEER = InetAddress.ofLiteral("198.18.0.2");
  private static final InetAddress GROUP = InetAddress.ofLiteral("224.0.0.18");

  private InlineScheduler masterClock;
  private Engine master;
  private CountingTransport masterWire;

  private InlineScheduler backupClock;
  private Engine backup;
  private InboundPacket fromMaster;

  @Setup
  public void setUp() {
    masterClock = new InlineScheduler();
    masterWire = new CountingTransport();
    master = engine(masterClock, masterWire, 200);
    // No peer: Master_Down_Interval later it is MASTER.
    masterClock.runUntil(masterClock.now + 5_000_000_000L);
    if (master.status().getFirst().state() != VrrpState.MASTER) {
      throw new IllegalStateException("not MASTER: " + master.status());
    }

    backupClock = new InlineScheduler();
    backup = engine(backupClock, new CountingTransport(), 100);
    byte[] wire =
        AdvertisementCodec.encode(
            Advertisement.v3(51, 200, 100, List.of(VIP)), PEER, GROUP, ChecksumMode.PSEUDO_HEADER);
    // Stamped past any time of the virtual clock: the engine handles it at its clock's now, which
    // backupHearsMaster advances (one packet object, reused: nothing allocated per operation).
    fromMaster = new InboundPacket(wire, PEER, GROUP, 255, Long.MAX_VALUE);
    backup.receive("eth0", fromMaster);
    if (!PEER.equals(backup.status().getFirst().masterAddress())) {
      throw new IllegalStateException("backup did not accept the advert: " + backup.status());
    }
  }

  private static Engine engine(InlineScheduler clock, Transport transport, int priority) {
    AddressTable noAddresses =
        new AddressTable() {
          @Override
          public List<InterfaceAddress> list(String interfaceName) {
            return List.of();
          }

          @Override
          public void add(String interfaceName, InterfaceAddress address) {}

          @Override
          public void remove(String interfaceName, InterfaceAddress address) {}
        };
    NeighborAnnouncer quiet = (i, a) -> {};
    Engine e = new Engine(noAddresses, quiet, new EngineListener() {}, clock);
    e.add(
        new RouterBinding(
            RouterConfig.v3("vi_1", 51, priority, 100, List.of(VIP), ME),
            "eth0",
            "eth0",
            transport,
            List.of(new InterfaceAddress(VIP, 24)),
            List.of(),
            GROUP,
            ChecksumMode.PSEUDO_HEADER,
            new AnnounceSchedule(Duration.ZERO, 1, Duration.ZERO)));
    e.start();
    return e;
  }

  /**
   * MASTER: its advertisement timer is due; one advert goes to the transport, the timer re-arms.
   */
  @Benchmark
  public long masterAdvertTimer() {
    masterClock.runNextTimer();
    return masterWire.sent;
  }

  /**
   * BACKUP: a packet from its master arrives (as a transport hands it over) and is handled: queue,
   * decode, demultiplex, state machine, down timer re-armed.
   */
  @Benchmark
  public Object backupHearsMaster() {
    backupClock.now += 100_000_000L;
    backup.receive("eth0", fromMaster);
    return backupClock;
  }

  /**
   * An engine thread on a virtual clock that runs every task at once, on the caller's thread, with
   * its timers in a {@link TimerHeap} as {@code RealTimeScheduler} keeps them.
   */
  static final class InlineScheduler implements EngineScheduler {
    final TimerHeap timers = new TimerHeap();
    long now = 1_000_000_000L;

    void runUntil(long until) {
      while (timers.nextDeadlineNanos() <= until) {
        runNextTimer();
      }
      now = until;
    }

    void runNextTimer() {
      now = Math.max(now, timers.nextDeadlineNanos());
      timers.pollDue(now).task().run();
    }

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public boolean inEngineThread() {
      return true;
    }

    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public Cancellable schedule(long atNanos, Runnable task) {
      TimerHeap.Timer t = timers.timer(task);
      t.arm(atNanos);
      return t;
    }

    @Override
    public Timer timer(Runnable task) {
      return timers.timer(task);
    }

    @Override
    public void executeBlocking(Runnable task) {
      task.run();
    }

    @Override
    public <T> T call(Supplier<T> work, long deadlineNanos) {
      return work.get();
    }

    @Override
    public boolean stop(long deadlineNanos) {
      return true;
    }
  }

  /** Counts the adverts and bytes it is given. */
  static final class CountingTransport implements Transport {
    long sent;
    long bytes;

    @Override
    public void send(byte[] vrrpMessage, InetAddress destination) {
      sent++;
      bytes += vrrpMessage.length;
    }

    @Override
    public InetAddress sourceAddress() {
      return ME;
    }

    @Override
    public String interfaceName() {
      return "eth0";
    }

    @Override
    public TransportDrops drops() {
      return new TransportDrops();
    }

    @Override
    public void close() {}
  }
}
