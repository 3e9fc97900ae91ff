package org.vrrpagent.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.io.InMemoryAddressTable;
import org.vrrpagent.core.io.InMemoryTransport;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.NeighborAnnouncer;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.DropReason;

/**
 * The threading contract of the production engine ({@link RealTimeScheduler}): every listener call
 * arrives on the engine thread, drops found on a transport's thread included, and the engine thread
 * waits on nothing but its own queue: an address table and an announcer that block for seconds do
 * not delay an advertisement. Timing bounds are loose on purpose (two shared cores); a blocked
 * engine thread would show gaps of seconds.
 */
class EngineThreadingTest {
  private static final InetAddress ME = InetAddress.ofLiteral("198.18.0.1");
  private static final InetAddress PEER = InetAddress.ofLiteral("198.18.0.2");
  private static final InetAddress VIP = InetAddress.ofLiteral("198.18.0.100");
  private static final InetAddress GROUP = InetAddress.ofLiteral("224.0.0.18");
  private static final long BLOCK_MILLIS = 3_000;

  private final Set<String> listenerThreads = ConcurrentHashMap.newKeySet();
  private final List<Long> sendTimes = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<DropReason, AtomicInteger> drops = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private Engine engine;
  private InMemoryTransport transport;

  /** Records the thread of every call. */
  private final class Recording implements EngineListener {
    volatile CountDownLatch holdFirstDrop;

    private void on() {
      listenerThreads.add(Thread.currentThread().getName());
    }

    @Override
    public void stateChanged(String router, Action.StateChanged change) {
      on();
    }

    @Override
    public void advertSent(String router, int priority) {
      on();
      sendTimes.add(System.nanoTime());
    }

    @Override
    public void advertReceived(String router) {
      on();
    }

    @Override
    public void dropped(String router, DropReason reason, String detail) {
      on();
      drops.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
      CountDownLatch hold = holdFirstDrop;
      if (hold != null) {
        holdFirstDrop = null;
        try {
          // Test only: stall the engine thread so that its queue fills.
          hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void failure(String router, String message) {
      on();
      failures.add(message);
    }
  }

  private final Recording listener = new Recording();

  private void start(AddressTable addresses, NeighborAnnouncer announcer, int priority) {
    engine = new Engine(addresses, announcer, listener);
    transport = new InMemoryTransport("eth0", ME, p -> engine.receive("eth0", p));
    engine.add(
        new RouterBinding(
            RouterConfig.v3("vi_1", 51, priority, 10, List.of(VIP), ME),
            "eth0",
            "eth0",
            transport,
            List.of(new InterfaceAddress(VIP, 24)),
            List.of(),
            GROUP,
            ChecksumMode.PSEUDO_HEADER,
            new AnnounceSchedule(Duration.ofMillis(500), 3, Duration.ofMillis(500))));
    engine.start();
  }

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.shutdown(Duration.ofSeconds(10));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  @DisplayName("an address table and an announcer that block for seconds do not delay the adverts")
  void blockingAddressWorkDoesNotDelayAdverts() {
    InMemoryAddressTable table =
        new InMemoryAddressTable().addInterface("eth0", new InterfaceAddress(ME, 24));
    AddressTable slowTable =
        new AddressTable() {
          @Override
          public List<InterfaceAddress> list(String interfaceName) {
            return table.list(interfaceName);
          }

          @Override
          public void add(String interfaceName, InterfaceAddress address) {
            sleep(BLOCK_MILLIS);
            table.add(interfaceName, address);
          }

          @Override
          public void remove(String interfaceName, InterfaceAddress address) {
            sleep(BLOCK_MILLIS);
            table.remove(interfaceName, address);
          }
        };
    AtomicInteger announced = new AtomicInteger();
    NeighborAnnouncer slowAnnouncer =
        (name, addresses) -> {
          sleep(BLOCK_MILLIS);
          announced.incrementAndGet();
        };
    start(slowTable, slowAnnouncer, 255); // the owner: MASTER at once, adverts every 100 ms
    await().atMost(Duration.ofSeconds(10)).until(() -> sendTimes.size() >= 30);
    // 30 adverts (3 s) went out while the address lane was still inside its first add.
    assertThat(announced).as("announcements done while the adverts went out").hasValue(0);
    long maxGapMillis = 0;
    List<Long> times = List.copyOf(sendTimes);
    for (int i = 1; i < times.size(); i++) {
      maxGapMillis = Math.max(maxGapMillis, (times.get(i) - times.get(i - 1)) / 1_000_000);
    }
    System.out.printf(
        "address table and announcer blocked %d ms each: %d adverts, largest gap %d ms (interval 100 ms)%n",
        BLOCK_MILLIS, times.size(), maxGapMillis);
    assertThat(maxGapMillis).isLessThan(BLOCK_MILLIS / 2);
    assertThat(listenerThreads).containsExactly("vrrp-engine");
  }

  @Test
  @DisplayName(
      "drops found on a transport's thread, a full queue and address failures reach the listener on the engine thread")
  void everyListenerCallIsOnTheEngineThread() throws Exception {
    AddressTable failing =
        new InMemoryAddressTable().addInterface("eth0", new InterfaceAddress(ME, 24));
    AddressTable broken =
        new AddressTable() {
          @Override
          public List<InterfaceAddress> list(String interfaceName) {
            return failing.list(interfaceName);
          }

          @Override
          public void add(String interfaceName, InterfaceAddress address) {
            throw new TransportException("eth0: operation not permitted");
          }

          @Override
          public void remove(String interfaceName, InterfaceAddress address) {
            throw new TransportException("eth0: operation not permitted");
          }
        };
    start(broken, (name, addresses) -> {}, 100);
    CountDownLatch release = new CountDownLatch(1);
    listener.holdFirstDrop = release;
    Thread io =
        Thread.ofPlatform()
            .name("transport-io")
            .start(
                () -> {
                  // A bad TTL: the codec drops it (this first drop holds the engine thread), then a
                  // flood.
                  transport.inject(packet(Advertisement.v3(51, 200, 10, List.of(VIP)), 64));
                  await()
                      .atMost(Duration.ofSeconds(10))
                      .until(() -> drops.containsKey(DropReason.TTL));
                  for (int i = 0; i < Engine.MAX_PENDING_PACKETS + 500; i++) {
                    transport.inject(
                        packet(
                            Advertisement.v3(52, 200, 10, List.of(VIP)),
                            255)); // a VRID we do not run
                  }
                });
    io.join(30_000);
    release.countDown();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                count(DropReason.VRID) + count(DropReason.QUEUE_FULL)
                    == Engine.MAX_PENDING_PACKETS + 500);
    assertThat(count(DropReason.QUEUE_FULL))
        .as("refused while the queue was full")
        .isGreaterThanOrEqualTo(500);
    // The router ran its timers meanwhile: MASTER after Master_Down_Interval, and the address
    // add failed on the address lane.
    await().atMost(Duration.ofSeconds(10)).until(() -> !failures.isEmpty());
    assertThat(failures.getFirst()).contains("cannot add 198.18.0.100/24 on eth0");
    assertThat(listenerThreads).containsExactly("vrrp-engine");
  }

  private int count(DropReason reason) {
    AtomicInteger n = drops.get(reason);
    return n == null ? 0 : n.get();
  }

  private static InboundPacket packet(Advertisement a, int ttl) {
    return new InboundPacket(
        AdvertisementCodec.encode(a, PEER, GROUP, ChecksumMode.PSEUDO_HEADER),
        PEER,
        GROUP,
        ttl,
        System.nanoTime());
  }
}
