package org.vrrpagent.core.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;
import org.vrrpagent.core.linux.IpAddressTable;
import org.vrrpagent.core.linux.NetlinkAddressTable;

/**
 * How long one address add (the takeover's) and one remove take through {@code ip addr add|del} (a
 * forked process) and through the rtnetlink table, on {@code eth0} of a lab host. Prints a Markdown
 * table for docs/benchmarks.md. Needs root; run from the vrrp-core test classpath: {@code java
 * --enable-native-access=ALL-UNNAMED -cp … org.vrrpagent.core.bench.AddressTableBench [ROUNDS]}.
 */
public final class AddressTableBench {
  private AddressTableBench() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    try (NetnsLab lab = NetnsLab.create("vabench", 1)) {
      IpAddressTable ip = new IpAddressTable(new CommandRunner(), lab.ipCommand(1));
      try (NetlinkAddressTable netlink = lab.inNamespace(1, NetlinkAddressTable::open)) {
        System.out.println(
            "| table | address | add p50 µs | add p99 µs | add max µs | remove p50 µs | remove p99 µs |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (String a : List.of("198.18.0.200/24", "fd00:198:18::200/64")) {
          InterfaceAddress address = InterfaceAddress.parse(a);
          measure("ip (fork)", ip, address, rounds / 10); // warm-up
          measure("netlink", netlink, address, rounds / 10);
          print(measure("`ip addr` (fork)", ip, address, rounds));
          print(measure("rtnetlink", netlink, address, rounds));
        }
      }
    }
  }

  private record Result(String table, InterfaceAddress address, long[] addNanos, long[] delNanos) {}

  private static Result measure(
      String name, AddressTable table, InterfaceAddress address, int rounds) {
    long[] add = new long[rounds];
    long[] del = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      table.add("eth0", address);
      long t1 = System.nanoTime();
      table.remove("eth0", address);
      long t2 = System.nanoTime();
      add[i] = t1 - t0;
      del[i] = t2 - t1;
    }
    return new Result(name, address, add, del);
  }

  private static void print(Result r) {
    long[] add = r.addNanos().clone();
    long[] del = r.delNanos().clone();
    Arrays.sort(add);
    Arrays.sort(del);
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f |%n",
        r.table(),
        r.address(),
        q(add, 0.5),
        q(add, 0.99),
        add[add.length - 1] / 1e3,
        q(del, 0.5),
        q(del, 0.99));
  }

  private static double q(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1e3;
  }
}
