package org.vrrpagent.agent.addresses;

import java.net.InetAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.vrrpagent.agent.addresses.StateFile.AddressEntry;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.VirtualAddress;
import org.vrrpagent.agent.metrics.Metrics;
import org.vrrpagent.agent.notify.AddressEvent;
import org.vrrpagent.agent.notify.Notifications;
import org.vrrpagent.base.AddressText;

/** The reconciler's findings as metrics and events (the log lines are the reconciler's own). */
public final class AddressReports implements AddressReconciler.Listener {
  private final Metrics metrics;
  private final Consumer<AddressEvent> notifications;
  private final Clock clock;

  public AddressReports(Metrics metrics, Notifications notifications) {
    this(metrics, (Consumer<AddressEvent>) notifications::address);
  }

  /**
   * @param notifications where the events go (the daemon's notification pipeline, current across
   *     reloads)
   */
  public AddressReports(Metrics metrics, Consumer<AddressEvent> notifications) {
    this.metrics = metrics;
    this.notifications = notifications;
    this.clock = Clock.systemUTC();
  }

  /** Which instance each virtual address belongs to in {@code config}. */
  public static Map<InetAddress, String> owners(Config config) {
    Map<InetAddress, String> m = new LinkedHashMap<>();
    config
        .instances()
        .forEach(
            (name, i) -> {
              for (VirtualAddress v : i.addresses()) {
                m.putIfAbsent(v.address(), name);
              }
            });
    return Map.copyOf(m);
  }

  @Override
  public void readded(String instance, AddressEntry address, RuntimeException failure) {
    if (failure == null) {
      metrics.addressReadded(instance);
    }
    notifications.accept(
        new AddressEvent(
            AddressEvent.Kind.READDED,
            instance,
            AddressText.of(address.address().address()),
            failure == null
                ? "removed from "
                    + address.interfaceName()
                    + " by something else while MASTER; added again"
                : "removed from "
                    + address.interfaceName()
                    + " by something else; cannot add it again: "
                    + failure.getMessage(),
            clock.instant()));
  }

  @Override
  public void duplicateRaised(String instance, AddressEntry address, String mac) {
    metrics.addressDuplicate(instance, true);
    notifications.accept(
        new AddressEvent(
            AddressEvent.Kind.DUPLICATE,
            instance,
            AddressText.of(address.address().address()),
            "answered for on " + address.interfaceName() + " by " + mac + " while we are MASTER",
            clock.instant()));
  }

  @Override
  public void duplicateCleared(String instance, AddressEntry address, String why) {
    metrics.addressDuplicate(instance, false);
    notifications.accept(
        new AddressEvent(
            AddressEvent.Kind.DUPLICATE_CLEARED,
            instance,
            AddressText.of(address.address().address()),
            why,
            clock.instant()));
  }
}
