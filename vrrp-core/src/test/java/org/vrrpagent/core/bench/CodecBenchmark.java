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
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.IpContext;
import org.vrrpagent.core.wire.MalformedAdvertisementException;
import org.vrrpagent.core.wire.ReceivedAdvertisement;

/** Decode and encode cost of typical advertisements. Run with {@code bin/bench Codec}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  private InetAddress src4;
  private InetAddress group4;
  private InetAddress src6;
  private InetAddress group6;
  private Advertisement v3ipv4;
  private Advertisement v3ipv6;
  private byte[] v3ipv4Bytes;
  private byte[] v3ipv6Bytes;
  private IpContext ip4;
  private IpContext ip6;

  @Setup
  public void setUp() throws Exception {
    src4 = InetAddress.getByName("198.18.0.11");
    group4 = InetAddress.getByName("224.0.0.18");
    src6 = InetAddress.getByName("fe80::9845:72ff:fe50:500a");
    group6 = InetAddress.getByName("ff02::12");
    v3ipv4 =
        Advertisement.v3(
            51,
            100,
            100,
            List.of(InetAddress.getByName("198.18.0.100"), InetAddress.getByName("198.18.0.101")));
    v3ipv6 = Advertisement.v3(53, 120, 50, List.of(InetAddress.getByName("fd00:198:18::100")));
    v3ipv4Bytes = AdvertisementCodec.encode(v3ipv4, src4, group4, ChecksumMode.PSEUDO_HEADER);
    v3ipv6Bytes = AdvertisementCodec.encode(v3ipv6, src6, group6, ChecksumMode.PSEUDO_HEADER);
    ip4 = new IpContext(src4, group4, 255);
    ip6 = new IpContext(src6, group6, 255);
  }

  @Benchmark
  public ReceivedAdvertisement decodeV3Ipv4() throws MalformedAdvertisementException {
    return AdvertisementCodec.decode(v3ipv4Bytes, ip4);
  }

  @Benchmark
  public ReceivedAdvertisement decodeV3Ipv6() throws MalformedAdvertisementException {
    return AdvertisementCodec.decode(v3ipv6Bytes, ip6);
  }

  @Benchmark
  public byte[] encodeV3Ipv4() {
    return AdvertisementCodec.encode(v3ipv4, src4, group4, ChecksumMode.PSEUDO_HEADER);
  }

  @Benchmark
  public byte[] encodeV3Ipv6() {
    return AdvertisementCodec.encode(v3ipv6, src6, group6, ChecksumMode.PSEUDO_HEADER);
  }

  @Benchmark
  public ReceivedAdvertisement decodeThenEncodeV3Ipv4() throws MalformedAdvertisementException {
    ReceivedAdvertisement r = AdvertisementCodec.decode(v3ipv4Bytes, ip4);
    AdvertisementCodec.encode(r.advertisement(), src4, group4, ChecksumMode.PSEUDO_HEADER);
    return r;
  }
}
