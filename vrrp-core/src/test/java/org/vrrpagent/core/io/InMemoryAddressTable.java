package org.vrrpagent.core.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link AddressTable} in memory for unit tests. Interfaces must be declared with {@link
 * #addInterface}; others fail like a missing interface does. Records every change.
 */
public final class InMemoryAddressTable implements AddressTable {
  /** One change: added or removed. */
  public record Change(String interfaceName, InterfaceAddress address, boolean added) {}

  private final Map<String, List<InterfaceAddress>> table = new LinkedHashMap<>();
  private final List<Change> changes = new ArrayList<>();

  /** Declares an interface with its own (non-virtual) addresses. */
  public synchronized InMemoryAddressTable addInterface(
      String name, InterfaceAddress... addresses) {
    table.put(name, new ArrayList<>(List.of(addresses)));
    return this;
  }

  @Override
  public synchronized List<InterfaceAddress> list(String interfaceName) {
    return List.copyOf(addresses(interfaceName));
  }

  @Override
  public synchronized void add(String interfaceName, InterfaceAddress address) {
    List<InterfaceAddress> list = addresses(interfaceName);
    if (list.stream().noneMatch(a -> a.address().equals(address.address()))) {
      list.add(address);
    }
    changes.add(new Change(interfaceName, address, true));
  }

  @Override
  public synchronized void remove(String interfaceName, InterfaceAddress address) {
    addresses(interfaceName).removeIf(a -> a.address().equals(address.address()));
    changes.add(new Change(interfaceName, address, false));
  }

  /** Every add and remove, oldest first. */
  public synchronized List<Change> changes() {
    return List.copyOf(changes);
  }

  private List<InterfaceAddress> addresses(String interfaceName) {
    List<InterfaceAddress> list = table.get(interfaceName);
    if (list == null) {
      throw new TransportException(
          interfaceName + ": no such network interface (check the name with `ip link`)");
    }
    return list;
  }
}
