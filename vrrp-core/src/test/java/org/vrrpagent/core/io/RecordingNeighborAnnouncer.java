package org.vrrpagent.core.io;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** A {@link NeighborAnnouncer} for unit tests: records each call. */
public final class RecordingNeighborAnnouncer implements NeighborAnnouncer {
  /** One {@link #announce} call. */
  public record Announcement(String interfaceName, List<InetAddress> addresses) {}

  private final List<Announcement> announcements = new ArrayList<>();

  @Override
  public synchronized void announce(String interfaceName, List<InetAddress> addresses) {
    announcements.add(new Announcement(interfaceName, List.copyOf(addresses)));
  }

  public synchronized List<Announcement> announcements() {
    return List.copyOf(announcements);
  }
}
