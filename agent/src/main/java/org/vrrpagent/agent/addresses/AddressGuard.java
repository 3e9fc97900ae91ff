package org.vrrpagent.agent.addresses;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.linux.CommandRunner;
import org.vrrpagent.core.linux.NetlinkAddressTable;

/**
 * The daemon's side of "what we added, we remember": at start it removes what an earlier run
 * recorded in the {@link StateFile} and left behind (whatever configuration that run had), then
 * claims the file; the {@link RecordedAddressTable} it hands to the engine records every later
 * change. Addresses go through rtnetlink ({@link NetlinkAddressTable}, its socket closed with the
 * guard); virtual-MAC links left behind are removed with {@code ip link del}.
 */
public final class AddressGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AddressGuard.class);

  private final StateFile file;
  private final RecordedAddressTable table;
  private final AutoCloseable real;

  private AddressGuard(StateFile file, RecordedAddressTable table, AutoCloseable real) {
    this.file = file;
    this.table = table;
    this.real = real;
  }

  /**
   * Removes the leftovers recorded in {@code file} (one log line per address or interface), then
   * writes this run's empty state into it.
   *
   * @throws IOException when the file cannot be read, belongs to a process that still runs or to
   *     another network namespace, or cannot be written: the daemon refuses to start
   */
  public static AddressGuard start(StateFile file) throws IOException {
    NetlinkAddressTable netlink = NetlinkAddressTable.open();
    try {
      return start(
          file, netlink, new Leftovers(netlink, new CommandRunner(), List.of("ip")), netlink);
    } catch (IOException | RuntimeException e) {
      netlink.close();
      throw e;
    }
  }

  static AddressGuard start(StateFile file, AddressTable real, Leftovers leftovers)
      throws IOException {
    return start(file, real, leftovers, () -> {});
  }

  static AddressGuard start(
      StateFile file, AddressTable real, Leftovers leftovers, AutoCloseable closeWithGuard)
      throws IOException {
    Leftovers.Report report = leftovers.clean(file, false);
    if (report.refused().isPresent()) {
      throw new IOException("state file " + report.refused().get());
    }
    report.lines().forEach(l -> log.warn("start-up cleanup: {}", l));
    if (!report.clean()) {
      log.error(
          "start-up cleanup: not everything an earlier run left could be removed (see above); "
              + "it is no longer recorded in {}",
          file.path());
    }
    RecordedAddressTable table = new RecordedAddressTable(real, file);
    try {
      table.claim();
    } catch (IOException e) {
      throw new IOException(
          "cannot write the state file "
              + file.path()
              + ": "
              + e.getMessage()
              + " (make its directory writable, e.g. systemd's RuntimeDirectory=, or choose one with --state-file)",
          e);
    }
    return new AddressGuard(file, table, closeWithGuard);
  }

  /** The address table for the engine: every add and remove is recorded. */
  public RecordedAddressTable table() {
    return table;
  }

  public StateFile file() {
    return file;
  }

  /** Closes the real table's socket; after the engine's last address change. */
  @Override
  public void close() throws Exception {
    real.close();
  }
}
