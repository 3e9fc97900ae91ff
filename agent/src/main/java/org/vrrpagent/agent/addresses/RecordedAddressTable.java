package org.vrrpagent.agent.addresses;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.addresses.StateFile.AddressEntry;
import org.vrrpagent.agent.addresses.StateFile.LinkEntry;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.io.InterfaceAddress;

/**
 * An {@link AddressTable} that remembers, in the {@link StateFile}, what it added: an address is
 * written down before it is added (a crash in between leaves a record of an address that may be
 * there) and struck out after it is removed (a crash in between leaves a record of an address that
 * may still be there). Virtual-MAC interfaces are recorded the same way through {@link
 * #linkCreating} and {@link #linkRemoved}.
 *
 * <p>It is also what {@link AddressReconciler} checks against: {@link #reconcile} re-adds, under
 * the same lock as add and remove, an address we hold that is missing from the interface. The lock
 * is held only by the address thread, the reconciler's thread and start-up; none of them is the
 * engine thread, and nothing here calls into the engine.
 *
 * <p>A state file that cannot be written is logged (once until it works again) and does not stop
 * failover: the addresses still move, only the memory of them is lost for a later run.
 */
public final class RecordedAddressTable implements AddressTable {
  private static final Logger log = LoggerFactory.getLogger(RecordedAddressTable.class);

  private final AddressTable delegate;
  private final StateFile file;
  private final Set<AddressEntry> held = new LinkedHashSet<>();

  /** When each held address was added (System.nanoTime). */
  private final java.util.Map<AddressEntry, Long> since = new java.util.HashMap<>();

  private final Set<LinkEntry> links = new LinkedHashSet<>();
  private boolean writeFailed;

  public RecordedAddressTable(AddressTable delegate, StateFile file) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * Writes the (empty) state of this run, so the file names this process from now on.
   *
   * @throws IOException when the file cannot be written: the caller refuses to start
   */
  public synchronized void claim() throws IOException {
    file.write(StateFile.ours(List.copyOf(held), List.copyOf(links)));
  }

  @Override
  public List<InterfaceAddress> list(String interfaceName) {
    return delegate.list(interfaceName);
  }

  @Override
  public synchronized void add(String interfaceName, InterfaceAddress address) {
    AddressEntry e = new AddressEntry(interfaceName, address);
    if (held.add(e)) {
      since.put(e, System.nanoTime());
      save();
    }
    delegate.add(interfaceName, address);
  }

  @Override
  public synchronized void remove(String interfaceName, InterfaceAddress address) {
    delegate.remove(interfaceName, address);
    if (held.removeIf(
        e ->
            e.interfaceName().equals(interfaceName)
                && e.address().address().equals(address.address()))) {
      since.keySet().retainAll(held);
      save();
    }
  }

  /** Records a virtual-MAC interface about to be created. */
  public synchronized void linkCreating(String name, String parent, String mac) {
    if (links.stream().noneMatch(l -> l.name().equals(name))
        && links.add(new LinkEntry(name, parent, mac, Map.of()))) {
      save();
    }
  }

  /**
   * Records the sysctls a created virtual-MAC interface changed on its parent, with their earlier
   * values, so a crash does not leave them changed ({@code cleanup} and the next start restore
   * them).
   */
  public synchronized void linkSysctls(String name, Map<String, String> changed) {
    if (changed.isEmpty()) {
      return;
    }
    List<LinkEntry> all = new ArrayList<>(links);
    boolean found = false;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).name().equals(name)) {
        all.set(i, all.get(i).withSysctls(changed));
        found = true;
      }
    }
    if (found) {
      links.clear();
      links.addAll(all);
      save();
    }
  }

  /** Strikes out a virtual-MAC interface that was removed (with every address on it). */
  public synchronized void linkRemoved(String name) {
    boolean changed = links.removeIf(l -> l.name().equals(name));
    changed |= held.removeIf(a -> a.interfaceName().equals(name));
    since.keySet().retainAll(held);
    if (changed) {
      save();
    }
  }

  /** The addresses we added and have not removed, in the order they were added. */
  public synchronized List<AddressEntry> held() {
    return List.copyOf(held);
  }

  /** The held addresses with when each was added ({@link System#nanoTime()}). */
  public synchronized java.util.Map<AddressEntry, Long> heldSince() {
    return java.util.Map.copyOf(since);
  }

  public synchronized List<LinkEntry> links() {
    return List.copyOf(links);
  }

  /**
   * Re-adds every held address missing from its interface and tells {@code readded} about each.
   * Runs under the table's lock, so an address the engine is removing at this moment is either
   * still held (and present) or already struck out: the check never re-adds what the engine just
   * took away. An interface that cannot be listed is skipped (the next round tries again).
   *
   * @return how many addresses were re-added
   */
  public synchronized int reconcile(BiConsumer<AddressEntry, RuntimeException> readded) {
    int count = 0;
    Set<String> interfaces = new LinkedHashSet<>();
    held.forEach(e -> interfaces.add(e.interfaceName()));
    for (String name : interfaces) {
      List<InterfaceAddress> present;
      try {
        present = delegate.list(name);
      } catch (RuntimeException e) {
        log.debug("address check: cannot list {}: {}", name, e.getMessage());
        continue;
      }
      for (AddressEntry e : new ArrayList<>(held)) {
        if (!e.interfaceName().equals(name)
            || present.stream().anyMatch(p -> p.address().equals(e.address().address()))) {
          continue;
        }
        RuntimeException failure = null;
        try {
          delegate.add(name, e.address());
          count++;
        } catch (RuntimeException ex) {
          failure = ex;
        }
        readded.accept(e, failure);
      }
    }
    return count;
  }

  private void save() {
    try {
      file.write(StateFile.ours(List.copyOf(held), List.copyOf(links)));
      if (writeFailed) {
        log.info("state file {}: written again", file.path());
      }
      writeFailed = false;
    } catch (IOException | RuntimeException e) {
      if (!writeFailed) {
        log.error(
            "state file {}: cannot write: {} (addresses still move; a crash now would leave them unrecorded)",
            file.path(),
            e.toString());
      }
      writeFailed = true;
    }
  }
}
