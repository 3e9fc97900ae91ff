package org.vrrpagent.core.bench;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.Event;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.TimerName;
import org.vrrpagent.core.fsm.VirtualRouter;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.IpContext;
import org.vrrpagent.core.wire.MalformedAdvertisementException;
import org.vrrpagent.core.wire.ReceivedAdvertisement;

/**
 * One state machine step, the hot paths a running agent takes every interval. Run with {@code
 * bin/bench vrrp-core VirtualRouter}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VirtualRouterBenchmark {
  private VirtualRouter backup;
  private VirtualRouter master;
  private Event.AdvertReceived fromMaster;
  private byte[] wire;
  private IpContext ip;
  private final Event.TimerFired advertTimer = new Event.TimerFired(TimerName.ADVERTISEMENT);
  private long now;

  @Setup
  public void setUp() throws Exception {
    InetAddress vip = InetAddress.getByName("198.18.0.100");
    InetAddress peer = InetAddress.getByName("198.18.0.2");
    backup =
        new VirtualRouter(
            RouterConfig.v3("b", 51, 100, 100, List.of(vip), InetAddress.getByName("198.18.0.1")));
    backup.handle(new Event.Startup(), 0);
    master = new VirtualRouter(RouterConfig.v3("m", 51, 255, 100, List.of(vip), peer));
    master.handle(new Event.Startup(), 0);
    Advertisement advert = Advertisement.v3(51, 200, 100, List.of(vip));
    fromMaster =
        new Event.AdvertReceived(
            new ReceivedAdvertisement(advert, peer, ChecksumMode.PSEUDO_HEADER));
    InetAddress group = InetAddress.getByName("224.0.0.18");
    wire = AdvertisementCodec.encode(advert, peer, group, ChecksumMode.PSEUDO_HEADER);
    ip = new IpContext(peer, group, 255);
  }

  /** BACKUP hears the master: policy checks, learn the interval, re-arm the down timer. */
  @Benchmark
  public List<Action> backupReceivesAdvert() {
    return backup.handle(fromMaster, now += 1_000_000_000L);
  }

  /** MASTER's advertisement timer: build the advert, re-arm the timer. */
  @Benchmark
  public List<Action> masterAdvertTimer() {
    return master.handle(advertTimer, now += 1_000_000_000L);
  }

  /** What the runtime does per received packet: decode, then the backup's step. */
  @Benchmark
  public List<Action> decodeAndStep() throws MalformedAdvertisementException {
    ReceivedAdvertisement received = AdvertisementCodec.decode(wire, ip);
    return backup.handle(new Event.AdvertReceived(received), now += 1_000_000_000L);
  }
}
