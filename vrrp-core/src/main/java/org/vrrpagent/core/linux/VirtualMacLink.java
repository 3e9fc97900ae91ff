package org.vrrpagent.core.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.wire.AddressFamily;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The RFC virtual MAC for one virtual router (keepalived's {@code use_vmac}): a macvlan interface
 * {@code vrrp.VRID} ({@code vrrp6.VRID} for IPv6) on top of the real interface, with the MAC
 * 00:00:5e:00:01:VRID (IPv6: 00:00:5e:00:02:VRID, RFC 9568 §7.3). The virtual addresses go on it
 * while MASTER, so the kernel answers ARP / NS for them with the virtual MAC and the gratuitous ARP
 * / unsolicited NA leave from it: after a failover every client keeps the MAC it has, only the
 * switch relearns the port.
 *
 * <p>Mode {@code bridge}, not {@code private}: a private macvlan takes every multicast frame whose
 * source is its own MAC for a looped-back copy of its own and keeps it from the real interface, so
 * the peer master's adverts, sent from the same virtual MAC, would never reach the transport and
 * the backup would take over after Master_Down_Interval (the end-to-end test shows it).
 *
 * <p>The interface is up for the router's whole life, with no address while BACKUP. So that it
 * never speaks for the host, and the host never speaks for it:
 *
 * <ul>
 *   <li>{@code addrgenmode none}: no IPv6 link-local address made from the virtual MAC (RFC 9568
 *       §7.4; two hosts would otherwise share one);
 *   <li>IPv4 {@code arp_ignore=1} on the macvlan: it answers ARP only for the addresses on it, not
 *       for the host's own addresses;
 *   <li>IPv4 on the real interface {@code arp_ignore=1} (it must not answer for the virtual address
 *       with its own MAC) and {@code arp_announce=2} (the host's ARP requests name the interface's
 *       own address, not the virtual one, or clients would learn the real MAC again). The old
 *       values come back on {@link #close()}.
 * </ul>
 *
 * <p>Changes go through {@code ip link} (the {@link CommandRunner}) and {@code /proc/sys/net}, both
 * of the calling thread's network namespace.
 */
public final class VirtualMacLink implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Path PROC_SYS_NET = Path.of("/proc/sys/net");

  private final CommandRunner runner;
  private final List<String> ip;
  private final String parent;
  private final String name;
  private final String mac;

  /** Sysctls we changed, to restore in reverse order: path and old value. */
  private final Deque<String[]> restore = new ArrayDeque<>();

  /** Set once {@code ip link add} succeeded: close removes only what we made. */
  private boolean created;

  private boolean closed;

  private VirtualMacLink(
      CommandRunner runner, List<String> ip, String parent, String name, String mac) {
    this.runner = runner;
    this.ip = ip;
    this.parent = parent;
    this.name = name;
    this.mac = mac;
  }

  /** {@code 00:00:5e:00:01:VRID} for IPv4, {@code 00:00:5e:00:02:VRID} for IPv6 (RFC 9568 §7.3). */
  public static String mac(AddressFamily family, int vrid) {
    if (vrid < 1 || vrid > 255) {
      throw new IllegalArgumentException("VRID " + vrid + " (expected: 1..255)");
    }
    return String.format(
        Locale.ROOT, "00:00:5e:00:%02x:%02x", family == AddressFamily.IPV4 ? 1 : 2, vrid);
  }

  /**
   * keepalived's names: {@code vrrp.VRID} for IPv4, {@code vrrp6.VRID} for IPv6 (at most 9
   * characters).
   */
  public static String interfaceName(AddressFamily family, int vrid) {
    mac(family, vrid);
    return (family == AddressFamily.IPV4 ? "vrrp." : "vrrp6.") + vrid;
  }

  /** Creates the macvlan with the host's {@code ip} and the default limits. */
  public static VirtualMacLink create(String parent, AddressFamily family, int vrid) {
    return create(new CommandRunner(), List.of("ip"), parent, family, vrid);
  }

  /**
   * Creates the macvlan on {@code parent} and brings it up. A macvlan of the same name with our MAC
   * on the same parent is a leftover of an earlier run (a crash) and is replaced; any other
   * interface of that name is an error.
   *
   * @throws TransportException with one line naming the interface and what to do
   */
  public static VirtualMacLink create(
      CommandRunner runner, List<String> ipCommand, String parent, AddressFamily family, int vrid) {
    Objects.requireNonNull(parent, "parent");
    VirtualMacLink link =
        new VirtualMacLink(
            Objects.requireNonNull(runner, "runner"),
            List.copyOf(ipCommand),
            parent,
            interfaceName(family, vrid),
            mac(family, vrid));
    try {
      link.removeLeftover();
      link.ipLink(
          "cannot create the virtual MAC interface",
          "link",
          "add",
          "link",
          parent,
          "name",
          link.name,
          "address",
          link.mac,
          "type",
          "macvlan",
          "mode",
          "bridge");
      link.created = true;
      // RFC 9568 §7.4: no interface identifier from the virtual MAC.
      link.ipLink(
          "cannot turn off IPv6 address generation",
          "link",
          "set",
          "dev",
          link.name,
          "addrgenmode",
          "none");
      if (family == AddressFamily.IPV4) {
        link.sysctl("ipv4/conf/" + link.name + "/arp_ignore", "1", false); // goes with the link
        link.sysctl("ipv4/conf/" + parent + "/arp_ignore", "1", true);
        link.sysctl("ipv4/conf/" + parent + "/arp_announce", "2", true);
      }
      link.ipLink(
          "cannot bring the virtual MAC interface up", "link", "set", "dev", link.name, "up");
      return link;
    } catch (RuntimeException e) {
      link.close();
      throw e;
    }
  }

  /**
   * The sysctls of the parent interface this link changed, with the values they had before (what
   * {@link #close} restores), in the order they were changed. Recorded in the state file so a crash
   * does not leave them changed.
   */
  public synchronized java.util.SequencedMap<String, String> changedSysctls() {
    java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
    for (java.util.Iterator<String[]> i = restore.descendingIterator(); i.hasNext(); ) {
      String[] s = i.next();
      out.put(s[0], s[1]);
    }
    return out;
  }

  /** The macvlan's name: where the virtual addresses go and where announcements leave from. */
  public String name() {
    return name;
  }

  public String mac() {
    return mac;
  }

  public String parent() {
    return parent;
  }

  /** Removes the macvlan (and with it any address on it) and restores the sysctls. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> problems = new ArrayList<>();
    if (created && exists()) {
      CommandRunner.Result r = runner.run(command("link", "del", "dev", name));
      if (!r.succeeded() && exists()) {
        problems.add("cannot remove: " + r.describeFailure());
      }
    }
    while (!restore.isEmpty()) {
      String[] s = restore.pop();
      try {
        Files.writeString(PROC_SYS_NET.resolve(s[0]), s[1], StandardCharsets.US_ASCII);
      } catch (IOException e) {
        problems.add(
            "cannot restore net." + s[0].replace('/', '.') + " = " + s[1] + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new TransportException(name + ": " + String.join("; ", problems));
    }
  }

  @Override
  public String toString() {
    return name + "@" + parent + " " + mac;
  }

  // ----------------------------------------------------------------

  private void removeLeftover() {
    CommandRunner.Result r = runner.run(command("-j", "-d", "link", "show", "dev", name));
    if (!r.succeeded()) {
      return; // no such interface: nothing left over
    }
    JsonNode link;
    try {
      link = JSON.readTree(r.stdout()).path(0);
    } catch (RuntimeException e) {
      throw new TransportException(
          name + ": cannot read the output of `ip -j link`: " + e.getMessage(), e);
    }
    boolean ours =
        mac.equalsIgnoreCase(link.path("address").asString(""))
            && parent.equals(link.path("link").asString(""))
            && "macvlan".equals(link.path("linkinfo").path("info_kind").asString(""));
    if (!ours) {
      throw new TransportException(
          name
              + ": an interface of this name exists and is not our macvlan on "
              + parent
              + " with "
              + mac
              + " (remove it, or turn virtual-mac off)");
    }
    ipLink("cannot remove the macvlan left by an earlier run", "link", "del", "dev", name);
  }

  private boolean exists() {
    return runner.run(command("link", "show", "dev", name)).succeeded();
  }

  private void ipLink(String action, String... args) {
    CommandRunner.Result r = runner.run(command(args));
    if (!r.succeeded()) {
      String err = r.stderr();
      String hint =
          err.contains("Cannot find device") || err.contains("does not exist")
              ? " (no interface " + parent + "? check the name with `ip link`)"
              : err.contains("Operation not permitted")
                  ? " (run as root or grant CAP_NET_ADMIN)"
                  : err.contains("Unknown device type")
                      ? " (the kernel has no macvlan module: `modprobe macvlan`)"
                      : "";
      throw new TransportException(name + ": " + action + ": " + r.describeFailure() + hint);
    }
  }

  private void sysctl(String key, String value, boolean restoreOnClose) {
    Path path = PROC_SYS_NET.resolve(key);
    try {
      String old = Files.readString(path, StandardCharsets.US_ASCII).strip();
      if (old.equals(value)) {
        return;
      }
      Files.writeString(path, value, StandardCharsets.US_ASCII);
      if (restoreOnClose) {
        restore.push(new String[] {key, old});
      }
    } catch (IOException e) {
      throw new TransportException(
          name
              + ": cannot set net."
              + key.replace('/', '.')
              + " = "
              + value
              + ": "
              + e
              + " (run as root)",
          e);
    }
  }

  private List<String> command(String... args) {
    List<String> argv = new ArrayList<>(ip);
    argv.addAll(List.of(args));
    return argv;
  }
}
