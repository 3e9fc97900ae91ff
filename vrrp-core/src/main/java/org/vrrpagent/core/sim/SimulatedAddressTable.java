package org.vrrpagent.core.sim;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.TransportException;

/**
 * A simulated host's interface addresses. Like {@code ip addr}: adding a present address or
 * removing an absent one is not an error; an unknown interface is. It checks the threading
 * contract: it is never called on the host's engine thread.
 */
public final class SimulatedAddressTable implements AddressTable {
  private final Map<String, List<InterfaceAddress>> table = new LinkedHashMap<>();
  private VirtualScheduler.HostThreads threads;
  private long changes;

  /** Declares an interface with its own (non-virtual) addresses. */
  public SimulatedAddressTable addInterface(String name, InterfaceAddress... addresses) {
    table.put(name, new ArrayList<>(List.of(addresses)));
    return this;
  }

  /** The threads of the engine now using this table (the contract is checked against them). */
  void usedBy(VirtualScheduler.HostThreads threads) {
    this.threads = threads;
  }

  @Override
  public List<InterfaceAddress> list(String interfaceName) {
    check("list");
    return List.copyOf(addresses(interfaceName));
  }

  @Override
  public void add(String interfaceName, InterfaceAddress address) {
    check("add");
    List<InterfaceAddress> list = addresses(interfaceName);
    if (list.stream().noneMatch(a -> a.address().equals(address.address()))) {
      list.add(address);
    }
    changes++;
  }

  @Override
  public void remove(String interfaceName, InterfaceAddress address) {
    check("remove");
    addresses(interfaceName).removeIf(a -> a.address().equals(address.address()));
    changes++;
  }

  /** Whether {@code address} is on any interface now. */
  public boolean holds(InetAddress address) {
    return table.values().stream().flatMap(List::stream).anyMatch(a -> a.address().equals(address));
  }

  /** The addresses on every interface, apart from {@code own} ones. */
  Set<InetAddress> addressesExcept(Set<InetAddress> own) {
    Set<InetAddress> out = new LinkedHashSet<>();
    table
        .values()
        .forEach(
            l ->
                l.forEach(
                    a -> {
                      if (!own.contains(a.address())) {
                        out.add(a.address());
                      }
                    }));
    return out;
  }

  /** The host lost power: only the configured addresses come back. */
  void reboot(Set<InetAddress> own) {
    table.values().forEach(l -> l.removeIf(a -> !own.contains(a.address())));
  }

  /** Adds and removes so far. */
  public long changes() {
    return changes;
  }

  private void check(String what) {
    if (threads != null) {
      threads.requireNotEngineLane("AddressTable." + what);
    }
  }

  private List<InterfaceAddress> addresses(String interfaceName) {
    List<InterfaceAddress> list = table.get(interfaceName);
    if (list == null) {
      throw new TransportException(interfaceName + ": no such network interface");
    }
    return list;
  }
}
