package org.vrrpagent.core.linux;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.TransportException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The address table through iproute2: {@code ip -j addr show dev X} (JSON) to read, {@code ip addr
 * add|del} to write.
 *
 * <p>The daemon does not use it: it changes addresses through {@link NetlinkAddressTable} (no
 * process per change; forking {@code ip} put milliseconds on the takeover path). This one stays for
 * the lab tests, which change addresses in a namespace from outside it ({@code ip -n NS}), and as
 * the comparison in {@code AddressTableBench}. Each call is bounded by the {@link CommandRunner}'s
 * limits.
 *
 * <p>IPv6 addresses are added with {@code nodad}: a virtual address moves between routers and must
 * be usable at once, not "tentative" for the DAD period.
 */
public final class IpAddressTable implements AddressTable {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final CommandRunner runner;
  private final List<String> ip;

  /** The host's {@code ip} with the default limits. */
  public IpAddressTable() {
    this(new CommandRunner(), List.of("ip"));
  }

  /**
   * @param runner runs the commands
   * @param ipCommand the {@code ip} command and leading options, e.g. {@code [ip]} or {@code [ip,
   *     -n, lab-h1]} to work in another network namespace
   */
  public IpAddressTable(CommandRunner runner, List<String> ipCommand) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.ip = List.copyOf(ipCommand);
    if (ip.isEmpty()) {
      throw new IllegalArgumentException("empty ip command");
    }
  }

  @Override
  public List<InterfaceAddress> list(String interfaceName) {
    CommandRunner.Result r =
        run(interfaceName, "cannot list addresses", "-j", "addr", "show", "dev", interfaceName);
    return parse(interfaceName, r.stdout());
  }

  /** Parses the JSON of {@code ip -j addr show dev X}. */
  static List<InterfaceAddress> parse(String interfaceName, String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (RuntimeException e) {
      throw new TransportException(
          interfaceName + ": cannot read the output of `ip -j addr`: " + e.getMessage(), e);
    }
    List<InterfaceAddress> out = new ArrayList<>();
    for (JsonNode link : root) {
      for (JsonNode info : link.path("addr_info")) {
        String family = info.path("family").asString("");
        if (!family.equals("inet") && !family.equals("inet6")) {
          continue;
        }
        String local = info.path("local").asString("");
        int prefix = info.path("prefixlen").asInt(-1);
        if (local.isEmpty() || prefix < 0) {
          continue;
        }
        out.add(InterfaceAddress.parse(local + "/" + prefix));
      }
    }
    return List.copyOf(out);
  }

  @Override
  public void add(String interfaceName, InterfaceAddress address) {
    List<String> args =
        new ArrayList<>(List.of("addr", "add", address.toString(), "dev", interfaceName));
    if (address.address() instanceof Inet6Address) {
      args.add("nodad");
    }
    CommandRunner.Result r = runner.run(command(args));
    // iproute2 and kernels word "already there" differently ("File exists", "Address already
    // assigned"): ask the table instead of matching messages.
    if (!r.succeeded() && !present(interfaceName, address)) {
      throw failure(interfaceName, "cannot add " + address, r);
    }
  }

  @Override
  public void remove(String interfaceName, InterfaceAddress address) {
    CommandRunner.Result r =
        runner.run(command(List.of("addr", "del", address.toString(), "dev", interfaceName)));
    if (!r.succeeded()) {
      // Gone already is fine ("Cannot assign requested address", "Address not found", …);
      // a missing interface or anything else is not.
      boolean stillThere;
      try {
        stillThere =
            list(interfaceName).stream().anyMatch(a -> a.address().equals(address.address()));
      } catch (TransportException e) {
        stillThere = true;
      }
      if (stillThere) {
        throw failure(interfaceName, "cannot remove " + address, r);
      }
    }
  }

  /** Whether {@code address} is on the interface; false when the interface cannot be listed. */
  private boolean present(String interfaceName, InterfaceAddress address) {
    try {
      return list(interfaceName).stream().anyMatch(a -> a.address().equals(address.address()));
    } catch (TransportException e) {
      return false;
    }
  }

  private CommandRunner.Result run(String interfaceName, String action, String... args) {
    CommandRunner.Result r = runner.run(command(List.of(args)));
    if (!r.succeeded()) {
      throw failure(interfaceName, action, r);
    }
    return r;
  }

  private List<String> command(List<String> args) {
    List<String> argv = new ArrayList<>(ip);
    argv.addAll(args);
    return argv;
  }

  private static TransportException failure(
      String interfaceName, String action, CommandRunner.Result r) {
    String err = r.stderr().strip();
    String hint = "";
    if (err.contains("does not exist") || err.contains("Cannot find device")) {
      hint = " (no such interface; check the name with `ip link`)";
    } else if (err.contains("Operation not permitted")) {
      hint = " (run as root or grant CAP_NET_ADMIN)";
    }
    return new TransportException(
        interfaceName + ": " + action + ": " + r.describeFailure() + hint);
  }
}
