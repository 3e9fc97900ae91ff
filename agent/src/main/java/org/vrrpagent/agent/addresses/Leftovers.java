package org.vrrpagent.agent.addresses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vrrpagent.agent.addresses.StateFile.AddressEntry;
import org.vrrpagent.agent.addresses.StateFile.LinkEntry;
import org.vrrpagent.agent.addresses.StateFile.State;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.linux.CommandRunner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Removes what an earlier run recorded in the {@link StateFile} and did not take away itself (it
 * crashed, or was killed): its virtual addresses, whatever configuration it ran, and its
 * virtual-MAC interfaces. Used by the daemon at start and by {@code vrrp-agent cleanup}.
 *
 * <p>Refuses to touch anything when the file was written in another network namespace (its
 * interfaces are not ours) or by a process that still runs (its addresses are live).
 */
public final class Leftovers {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * What was done: one line per address or link, what could not be removed (kept in the file), and
   * whether the file was refused altogether.
   */
  public record Report(
      List<String> lines,
      List<AddressEntry> failedAddresses,
      List<LinkEntry> failedLinks,
      Optional<String> refused) {
    public boolean clean() {
      return refused.isEmpty() && failedAddresses.isEmpty() && failedLinks.isEmpty();
    }
  }

  private final AddressTable table;
  private final CommandRunner runner;
  private final List<String> ip;
  private final Path procSysNet;

  /**
   * @param table the real address table (not the recording one: removing a leftover is not a change
   *     of this run)
   * @param ipCommand the {@code ip} command for links, e.g. {@code [ip]}
   */
  public Leftovers(AddressTable table, CommandRunner runner, List<String> ipCommand) {
    this(table, runner, ipCommand, Path.of("/proc/sys/net"));
  }

  /** As above, with the sysctl tree elsewhere (tests). */
  Leftovers(AddressTable table, CommandRunner runner, List<String> ipCommand, Path procSysNet) {
    this.table = table;
    this.runner = runner;
    this.ip = List.copyOf(ipCommand);
    this.procSysNet = procSysNet;
  }

  /**
   * Removes (or, with {@code dryRun}, lists) the leftovers recorded in {@code file}.
   *
   * @throws IOException when the file cannot be read or is not a state file
   */
  public Report clean(StateFile file, boolean dryRun) throws IOException {
    Optional<State> read = file.read();
    List<String> lines = new ArrayList<>();
    if (read.isEmpty() || read.get().isEmpty()) {
      return new Report(lines, List.of(), List.of(), Optional.empty());
    }
    State s = read.get();
    String here = StateFile.currentNetns();
    if (!s.netns().equals(here)) {
      return new Report(
          lines,
          s.addresses(),
          s.links(),
          Optional.of(
              file.path()
                  + " was written in network namespace "
                  + s.netns()
                  + ", this is "
                  + here
                  + ": run cleanup there (ip netns exec NAME vrrp-agent cleanup)"));
    }
    if (s.writerAlive()) {
      return new Report(
          lines,
          s.addresses(),
          s.links(),
          Optional.of(
              file.path()
                  + " belongs to process "
                  + s.pid()
                  + ", which still runs: stop it first (its addresses are live), or give this run its own --state-file"));
    }
    String who = "left by process " + s.pid();
    List<AddressEntry> failed = new ArrayList<>();
    for (AddressEntry e : s.addresses()) {
      List<InterfaceAddress> present;
      try {
        present = table.list(e.interfaceName());
      } catch (RuntimeException ex) {
        lines.add(e + ": interface gone, nothing to remove (" + who + ")");
        continue;
      }
      Optional<InterfaceAddress> there =
          present.stream().filter(p -> p.address().equals(e.address().address())).findFirst();
      if (there.isEmpty()) {
        continue; // recorded, but the run removed it before it died, or someone else did
      }
      if (dryRun) {
        lines.add("would remove " + there.get() + " from " + e.interfaceName() + " (" + who + ")");
        continue;
      }
      try {
        table.remove(e.interfaceName(), there.get());
        lines.add("removed " + there.get() + " from " + e.interfaceName() + " (" + who + ")");
      } catch (RuntimeException ex) {
        lines.add(
            "cannot remove " + there.get() + " from " + e.interfaceName() + ": " + ex.getMessage());
        failed.add(e);
      }
    }
    List<LinkEntry> failedLinks = new ArrayList<>();
    for (LinkEntry l : s.links()) {
      Optional<String> problem = ourLink(l);
      if (problem.isPresent()) {
        if (!problem.get().isEmpty()) {
          lines.add("left " + l.name() + " alone: " + problem.get());
        }
        continue;
      }
      if (dryRun) {
        lines.add("would remove interface " + l + " (" + who + ")");
        continue;
      }
      CommandRunner.Result r = runner.run(command("link", "del", "dev", l.name()));
      if (r.succeeded()) {
        lines.add("removed interface " + l + " (" + who + ")");
      } else {
        lines.add("cannot remove interface " + l + ": " + r.describeFailure());
        failedLinks.add(l);
      }
    }
    restoreSysctls(s.links(), dryRun, who, lines);
    return new Report(lines, failed, failedLinks, Optional.empty());
  }

  /**
   * Puts back the parent sysctls the virtual-MAC links changed ({@code arp_ignore}, {@code
   * arp_announce}), newest link first, so the value the first link found is the one that stays. A
   * parent that is gone has nothing to restore.
   */
  private void restoreSysctls(
      List<LinkEntry> links, boolean dryRun, String who, List<String> lines) {
    List<LinkEntry> newestFirst = new ArrayList<>(links);
    java.util.Collections.reverse(newestFirst);
    for (LinkEntry l : newestFirst) {
      List<Map.Entry<String, String>> changed = new ArrayList<>(l.sysctls().entrySet());
      java.util.Collections.reverse(changed);
      for (Map.Entry<String, String> e : changed) {
        String name = "net." + e.getKey().replace('/', '.');
        Path path = procSysNet.resolve(e.getKey());
        if (!Files.exists(path)) {
          lines.add(name + ": gone with its interface, nothing to restore (" + who + ")");
        } else if (dryRun) {
          lines.add("would restore " + name + " = " + e.getValue() + " (" + who + ")");
        } else {
          try {
            Files.writeString(path, e.getValue(), StandardCharsets.US_ASCII);
            lines.add("restored " + name + " = " + e.getValue() + " (" + who + ")");
          } catch (IOException ex) {
            lines.add("cannot restore " + name + " = " + e.getValue() + ": " + ex.getMessage());
          }
        }
      }
    }
  }

  /** Empty when {@code l} is there and is our macvlan; otherwise why not ("" when simply gone). */
  private Optional<String> ourLink(LinkEntry l) {
    CommandRunner.Result r = runner.run(command("-j", "-d", "link", "show", "dev", l.name()));
    if (!r.succeeded()) {
      return Optional.of("");
    }
    try {
      JsonNode link = JSON.readTree(r.stdout()).path(0);
      boolean ours =
          l.mac().equalsIgnoreCase(link.path("address").asString(""))
              && "macvlan".equals(link.path("linkinfo").path("info_kind").asString(""));
      return ours ? Optional.empty() : Optional.of("not a macvlan with " + l.mac() + " any more");
    } catch (RuntimeException e) {
      return Optional.of("cannot read `ip -j link`: " + e.getMessage());
    }
  }

  private List<String> command(String... args) {
    List<String> argv = new ArrayList<>(ip);
    argv.addAll(List.of(args));
    return argv;
  }
}
