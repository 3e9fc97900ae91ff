package org.vrrpagent.agent.addresses;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vrrpagent.core.io.InterfaceAddress;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's memory of what it changed on the host: the virtual addresses it added and the
 * virtual-MAC interfaces it created, so that a later run (whatever its configuration) or an
 * operator ({@code vrrp-agent cleanup}) can remove what a crashed run left behind.
 *
 * <p>The file is small JSON, versioned ({@code "version": 1}), written atomically (a temporary file
 * beside it, fsync, rename, fsync of the directory) so a crash leaves the old or the new content,
 * never a mix. It names the network namespace and the process that wrote it: entries are acted on
 * only in that namespace, and never while that process still runs.
 *
 * <pre>{@code
 * {"version":1,"netns":"net:[4026531840]","pid":812,"started":"2026-11-27T16:00:00Z",
 *  "addresses":[{"interface":"eth0","address":"198.18.0.100/24"}],
 *  "links":[{"name":"vrrp.51","parent":"eth0","mac":"00:00:5e:00:01:33"}]}
 * }</pre>
 */
public final class StateFile {
  /** Where the daemon and {@code vrrp-agent cleanup} keep it unless told otherwise. */
  public static final Path DEFAULT_PATH = Path.of("/run/vrrp-agent/state.json");

  /** The format this code writes and reads. */
  public static final int VERSION = 1;

  /** Entries (addresses plus links) a state holds at most: far above any sane configuration. */
  public static final int MAX_ENTRIES = 4096;

  /** Bytes read at most: a bigger file is not ours. */
  public static final int MAX_BYTES = 1 << 20;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** One address we added: on this interface, with this prefix. */
  public record AddressEntry(String interfaceName, InterfaceAddress address) {
    public AddressEntry {
      Objects.requireNonNull(interfaceName, "interfaceName");
      Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
      return address + " on " + interfaceName;
    }
  }

  /**
   * One virtual-MAC interface we created (a macvlan on {@code parent} with {@code mac}), and the
   * sysctls of the parent it changed with their earlier values (restored when it goes).
   */
  public record LinkEntry(String name, String parent, String mac, Map<String, String> sysctls) {
    /** The only sysctls a state file may name: those {@code VirtualMacLink} changes. */
    private static final java.util.regex.Pattern SYSCTL =
        java.util.regex.Pattern.compile("ipv4/conf/[A-Za-z0-9_.@-]{1,15}/arp_(ignore|announce)");

    public LinkEntry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(parent, "parent");
      Objects.requireNonNull(mac, "mac");
      sysctls = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sysctls));
      for (Map.Entry<String, String> e : sysctls.entrySet()) {
        if (!SYSCTL.matcher(e.getKey()).matches() || !e.getValue().matches("[0-8]")) {
          throw new IllegalArgumentException(
              "sysctl "
                  + e.getKey()
                  + " = "
                  + e.getValue()
                  + " (expected: ipv4/conf/IFACE/arp_ignore or arp_announce = 0..8)");
        }
      }
    }

    public LinkEntry withSysctls(Map<String, String> changed) {
      return new LinkEntry(name, parent, mac, changed);
    }

    @Override
    public String toString() {
      return name + "@" + parent + " " + mac;
    }
  }

  /** The content: who wrote it (network namespace, process id and start time) and what it holds. */
  public record State(
      String netns,
      long pid,
      Optional<Instant> started,
      List<AddressEntry> addresses,
      List<LinkEntry> links) {
    public State {
      Objects.requireNonNull(netns, "netns");
      Objects.requireNonNull(started, "started");
      addresses = List.copyOf(addresses);
      links = List.copyOf(links);
      if (addresses.size() + links.size() > MAX_ENTRIES) {
        throw new IllegalArgumentException(
            addresses.size() + links.size() + " entries (expected: at most " + MAX_ENTRIES + ")");
      }
    }

    public boolean isEmpty() {
      return addresses.isEmpty() && links.isEmpty();
    }

    /** Whether the process that wrote this still runs (same PID and start time). */
    public boolean writerAlive() {
      if (pid <= 0 || pid == ProcessHandle.current().pid()) {
        return false;
      }
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .map(
              h ->
                  started.isEmpty()
                      || h.info().startInstant().map(s -> s.equals(started.get())).orElse(true))
          .orElse(false);
    }
  }

  private final Path path;

  public StateFile(Path path) {
    this.path = Objects.requireNonNull(path, "path");
  }

  public Path path() {
    return path;
  }

  /** The network namespace of the calling thread ({@code net:[4026531840]}), or "unknown". */
  public static String currentNetns() {
    for (String p : new String[] {"/proc/thread-self/ns/net", "/proc/self/ns/net"}) {
      try {
        return Files.readSymbolicLink(Path.of(p)).toString();
      } catch (IOException | UnsupportedOperationException e) {
        // try the next one
      }
    }
    return "unknown";
  }

  /** A state written by this process, now, in the calling thread's network namespace. */
  public static State ours(List<AddressEntry> addresses, List<LinkEntry> links) {
    ProcessHandle self = ProcessHandle.current();
    return new State(currentNetns(), self.pid(), self.info().startInstant(), addresses, links);
  }

  /**
   * Reads the file; empty when there is none.
   *
   * @throws IOException when it cannot be read or is not a state file of this version (the message
   *     says what is wrong)
   */
  public Optional<State> read() throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (bytes.length > MAX_BYTES) {
      throw new IOException(
          path + ": larger than " + MAX_BYTES + " bytes (expected: a vrrp-agent state file)");
    }
    try {
      return Optional.of(parse(new String(bytes, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException | JacksonException e) {
      throw new IOException(
          path
              + ": "
              + e.getMessage()
              + " (expected: a vrrp-agent state file, version "
              + VERSION
              + "; remove it if you know what it held is gone)",
          e);
    }
  }

  static State parse(String text) {
    JsonNode root = JSON.readTree(text);
    if (!root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    int version = root.path("version").asInt(-1);
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "version " + root.path("version") + " (expected: " + VERSION + ")");
    }
    List<AddressEntry> addresses = new ArrayList<>();
    for (JsonNode a : root.path("addresses")) {
      addresses.add(
          new AddressEntry(text(a, "interface"), InterfaceAddress.parse(text(a, "address"))));
      if (addresses.size() > MAX_ENTRIES) {
        throw new IllegalArgumentException("more than " + MAX_ENTRIES + " addresses");
      }
    }
    List<LinkEntry> links = new ArrayList<>();
    for (JsonNode l : root.path("links")) {
      Map<String, String> sysctls = new LinkedHashMap<>();
      for (var e : l.path("sysctls").properties()) {
        if (sysctls.size() >= 8) {
          throw new IllegalArgumentException("more than 8 sysctls on a link");
        }
        sysctls.put(e.getKey(), e.getValue().asString(""));
      }
      links.add(new LinkEntry(text(l, "name"), text(l, "parent"), text(l, "mac"), sysctls));
      if (links.size() > MAX_ENTRIES) {
        throw new IllegalArgumentException("more than " + MAX_ENTRIES + " links");
      }
    }
    String started = root.path("started").asString("");
    return new State(
        root.path("netns").asString("unknown"),
        root.path("pid").asLong(0),
        started.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(started)),
        addresses,
        links);
  }

  private static String text(JsonNode node, String field) {
    String v = node.path(field).asString("");
    if (v.isEmpty() || v.length() > 64) {
      throw new IllegalArgumentException("an entry without a valid \"" + field + "\"");
    }
    return v;
  }

  static String render(State s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", VERSION);
    m.put("netns", s.netns());
    m.put("pid", s.pid());
    s.started().ifPresent(t -> m.put("started", t.toString()));
    m.put(
        "addresses",
        s.addresses().stream()
            .map(a -> Map.of("interface", a.interfaceName(), "address", a.address().toString()))
            .toList());
    m.put(
        "links",
        s.links().stream()
            .map(
                l -> {
                  Map<String, String> lm = new LinkedHashMap<>();
                  lm.put("name", l.name());
                  lm.put("parent", l.parent());
                  lm.put("mac", l.mac());
                  Map<String, Object> out = new LinkedHashMap<>(lm);
                  if (!l.sysctls().isEmpty()) {
                    out.put("sysctls", l.sysctls());
                  }
                  return out;
                })
            .toList());
    return JSON.writeValueAsString(m) + "\n";
  }

  /**
   * Replaces the file atomically: a temporary file in the same directory, fsync, rename over the
   * old one, fsync of the directory. Creates the directory (mode 0750) if missing.
   */
  public void write(State state) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---")));
    }
    Path tmp = dir.resolve("." + path.getFileName() + ".tmp");
    byte[] bytes = render(state).getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open a directory for fsync; the rename is still atomic.
    }
  }
}
