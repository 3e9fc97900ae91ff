package org.vrrpagent.core.io;

import java.util.List;

/**
 * The addresses configured on network interfaces: the virtual router adds its virtual addresses
 * when it becomes MASTER and removes them when it leaves MASTER.
 *
 * <p>Calls block for a bounded time (a command or a netlink round trip) and must not run on the
 * engine thread if the engine has timers to keep.
 */
public interface AddressTable {

  /** The addresses on {@code interfaceName}, both families, in the kernel's order. */
  List<InterfaceAddress> list(String interfaceName);

  /**
   * Adds {@code address}; adding an address already present is not an error. IPv6 addresses are
   * added without duplicate address detection (a virtual address moves between routers, DAD would
   * hold it "tentative" and unusable for a second or more).
   */
  void add(String interfaceName, InterfaceAddress address);

  /** Removes {@code address}; removing an absent address is not an error. */
  void remove(String interfaceName, InterfaceAddress address);

  /**
   * Removes those of {@code ours} that are on the interface: virtual addresses a previous run left
   * behind when it crashed. Returns what it removed.
   */
  default List<InterfaceAddress> removeLeftovers(
      String interfaceName, List<InterfaceAddress> ours) {
    List<InterfaceAddress> present = list(interfaceName);
    List<InterfaceAddress> removed = new java.util.ArrayList<>();
    for (InterfaceAddress candidate : ours) {
      for (InterfaceAddress p : present) {
        if (p.address().equals(candidate.address())) {
          remove(interfaceName, p);
          removed.add(p);
          break;
        }
      }
    }
    return List.copyOf(removed);
  }
}
