package org.vrrpagent.agent.addresses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.addresses.StateFile.AddressEntry;
import org.vrrpagent.agent.addresses.StateFile.LinkEntry;
import org.vrrpagent.core.io.InMemoryAddressTable;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.linux.CommandRunner;

class StateFileTest {
  static final InterfaceAddress X = InterfaceAddress.parse("198.18.0.100/24");
  static final InterfaceAddress Y = InterfaceAddress.parse("fd00:198:18::100/64");

  @TempDir Path dir;

  @Test
  void aWrittenStateReadsBackWithItsWriter() throws IOException {
    StateFile f = new StateFile(dir.resolve("sub/state.json"));
    StateFile.State s =
        StateFile.ours(
            List.of(new AddressEntry("eth0", X), new AddressEntry("eth0", Y)),
            List.of(
                new LinkEntry(
                    "vrrp.51",
                    "eth0",
                    "00:00:5e:00:01:33",
                    java.util.Map.of("ipv4/conf/eth0/arp_ignore", "0"))));
    f.write(s);
    assertThat(f.read()).contains(s);
    assertThat(Files.readString(f.path())).startsWith("{\"version\":1,");
    try (var files = Files.list(f.path().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly("state.json"); // no temporary left
    }
  }

  @Test
  void noFileIsAnEmptyMemory() throws IOException {
    assertThat(new StateFile(dir.resolve("none.json")).read()).isEmpty();
  }

  @Test
  void anotherVersionIsRefusedWithTheReason() throws IOException {
    Path p = dir.resolve("state.json");
    Files.writeString(p, "{\"version\":2,\"addresses\":[]}");
    assertThatThrownBy(() -> new StateFile(p).read())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("version 2 (expected: 1)");
  }

  @Test
  void aFileLargerThanTheLimitIsNotRead() throws IOException {
    Path p = dir.resolve("state.json");
    Files.write(p, new byte[StateFile.MAX_BYTES + 1]);
    assertThatThrownBy(() -> new StateFile(p).read())
        .hasMessageContaining("larger than " + StateFile.MAX_BYTES);
  }

  @Test
  void moreEntriesThanTheLimitAreRefused() {
    List<AddressEntry> many = new ArrayList<>();
    for (int i = 0; i <= StateFile.MAX_ENTRIES; i++) {
      many.add(new AddressEntry("eth0", X));
    }
    assertThatThrownBy(() -> StateFile.ours(many, List.of()))
        .hasMessageContaining("expected: at most");
  }

  @Test
  void garbageIsRefused() throws IOException {
    Path p = dir.resolve("state.json");
    Files.writeString(p, "not json", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new StateFile(p).read())
        .isInstanceOf(IOException.class)
        .hasMessageContaining(p.toString());
  }

  @Test
  void anAddressIsRecordedBeforeItIsAddedAndStruckOutAfterItIsRemoved() throws IOException {
    StateFile f = new StateFile(dir.resolve("state.json"));
    InMemoryAddressTable real = new InMemoryAddressTable().addInterface("eth0");
    List<Boolean> recordedWhenAdded = new ArrayList<>();
    RecordedAddressTable t =
        new RecordedAddressTable(
            new InMemoryAddressTableSpy(
                real,
                () -> {
                  try {
                    recordedWhenAdded.add(
                        f.read().orElseThrow().addresses().stream()
                            .anyMatch(e -> e.address().equals(X)));
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                }),
            f);
    t.claim();
    t.add("eth0", X);
    assertThat(recordedWhenAdded).containsExactly(true);
    assertThat(f.read().orElseThrow().addresses()).containsExactly(new AddressEntry("eth0", X));
    t.remove("eth0", X);
    assertThat(f.read().orElseThrow().addresses()).isEmpty();
    assertThat(real.list("eth0")).isEmpty();
  }

  @Test
  void reconcileReAddsOnlyWhatWeHoldAndSomethingElseRemoved() throws IOException {
    StateFile f = new StateFile(dir.resolve("state.json"));
    InMemoryAddressTable real = new InMemoryAddressTable().addInterface("eth0");
    RecordedAddressTable t = new RecordedAddressTable(real, f);
    t.add("eth0", X);
    assertThat(t.reconcile((e, failure) -> {})).isZero();
    real.remove("eth0", X); // an operator's `ip addr del`
    List<AddressEntry> readded = new ArrayList<>();
    assertThat(t.reconcile((e, failure) -> readded.add(e))).isEqualTo(1);
    assertThat(readded).containsExactly(new AddressEntry("eth0", X));
    assertThat(real.list("eth0")).containsExactly(X);
    t.remove("eth0", X); // the engine leaves MASTER: no longer ours to keep
    assertThat(t.reconcile((e, failure) -> readded.add(e))).isZero();
    assertThat(real.list("eth0")).isEmpty();
  }

  @Test
  void startUpRemovesLeftoversOfAnyConfigurationFromThisNamespaceOnly() throws IOException {
    StateFile f = new StateFile(dir.resolve("state.json"));
    // A dead writer (pid 0 never runs) in this namespace left X on eth0.
    f.write(
        new StateFile.State(
            StateFile.currentNetns(),
            0,
            java.util.Optional.empty(),
            List.of(new AddressEntry("eth0", X)),
            List.of()));
    InMemoryAddressTable real = new InMemoryAddressTable().addInterface("eth0", X);
    Leftovers leftovers = new Leftovers(real, new CommandRunner(), List.of("false"));
    assertThat(leftovers.clean(f, true).lines())
        .containsExactly("would remove 198.18.0.100/24 from eth0 (left by process 0)");
    assertThat(real.list("eth0")).containsExactly(X);
    AddressGuard guard = AddressGuard.start(f, real, leftovers);
    assertThat(real.list("eth0")).isEmpty();
    assertThat(f.read().orElseThrow().pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(guard.table().held()).isEmpty();

    f.write(
        new StateFile.State(
            "net:[1]",
            0,
            java.util.Optional.empty(),
            List.of(new AddressEntry("eth0", X)),
            List.of()));
    real.add("eth0", X);
    assertThatThrownBy(() -> AddressGuard.start(f, real, leftovers))
        .hasMessageContaining("network namespace net:[1]");
    assertThat(real.list("eth0")).containsExactly(X);
  }

  @Test
  void aCrashedRunsSysctlsAreRestoredToWhatTheFirstLinkFound() throws IOException {
    Path sys = dir.resolve("proc-sys-net");
    Files.createDirectories(sys.resolve("ipv4/conf/eth0"));
    Files.writeString(sys.resolve("ipv4/conf/eth0/arp_ignore"), "1\n");
    Files.writeString(sys.resolve("ipv4/conf/eth0/arp_announce"), "2\n");
    StateFile f = new StateFile(dir.resolve("state.json"));
    // Two links on eth0: the first found 0/0 and changed them, the second found them changed.
    var first = new java.util.LinkedHashMap<String, String>();
    first.put("ipv4/conf/eth0/arp_ignore", "0");
    first.put("ipv4/conf/eth0/arp_announce", "0");
    f.write(
        new StateFile.State(
            StateFile.currentNetns(),
            0,
            java.util.Optional.empty(),
            List.of(),
            List.of(
                new LinkEntry("vrrp.51", "eth0", "00:00:5e:00:01:33", first),
                new LinkEntry("vrrp.52", "eth0", "00:00:5e:00:01:34", java.util.Map.of()),
                new LinkEntry(
                    "vrrp.53",
                    "eth9",
                    "00:00:5e:00:01:35",
                    java.util.Map.of("ipv4/conf/eth9/arp_ignore", "0")))));
    Leftovers leftovers =
        new Leftovers(new InMemoryAddressTable(), new CommandRunner(), List.of("false"), sys);
    assertThat(leftovers.clean(f, true).lines())
        .contains(
            "would restore net.ipv4.conf.eth0.arp_ignore = 0 (left by process 0)",
            "net.ipv4.conf.eth9.arp_ignore: gone with its interface, nothing to restore (left by"
                + " process 0)");
    assertThat(Files.readString(sys.resolve("ipv4/conf/eth0/arp_ignore"))).isEqualTo("1\n");
    assertThat(leftovers.clean(f, false).lines())
        .contains(
            "restored net.ipv4.conf.eth0.arp_announce = 0 (left by process 0)",
            "restored net.ipv4.conf.eth0.arp_ignore = 0 (left by process 0)");
    assertThat(Files.readString(sys.resolve("ipv4/conf/eth0/arp_ignore"))).isEqualTo("0");
    assertThat(Files.readString(sys.resolve("ipv4/conf/eth0/arp_announce"))).isEqualTo("0");
  }

  @Test
  void aStateFileCannotNameAnyOtherSysctl() throws IOException {
    Path p = dir.resolve("state.json");
    for (String bad :
        List.of(
            "\"ipv4/conf/eth0/forwarding\":\"1\"",
            "\"ipv4/conf/../../../kernel/x/arp_ignore\":\"0\"",
            "\"ipv4/conf/eth0/arp_ignore\":\"0; rm\"")) {
      Files.writeString(
          p,
          "{\"version\":1,\"netns\":\"x\",\"pid\":0,\"addresses\":[],\"links\":[{\"name\":\"vrrp.51\","
              + "\"parent\":\"eth0\",\"mac\":\"00:00:5e:00:01:33\",\"sysctls\":{"
              + bad
              + "}}]}");
      assertThatThrownBy(() -> new StateFile(p).read())
          .as(bad)
          .hasMessageContaining("expected: ipv4/conf/IFACE/arp_ignore or arp_announce");
    }
  }

  @Test
  void theRecordedTableKeepsWhatALinkChanged() throws IOException {
    StateFile f = new StateFile(dir.resolve("state.json"));
    RecordedAddressTable t =
        AddressGuard.start(
                f,
                new InMemoryAddressTable(),
                new Leftovers(new InMemoryAddressTable(), new CommandRunner(), List.of("false")))
            .table();
    t.linkCreating("vrrp.51", "eth0", "00:00:5e:00:01:33");
    t.linkSysctls("vrrp.51", java.util.Map.of("ipv4/conf/eth0/arp_ignore", "0"));
    assertThat(f.read().orElseThrow().links())
        .singleElement()
        .extracting(LinkEntry::sysctls)
        .isEqualTo(java.util.Map.of("ipv4/conf/eth0/arp_ignore", "0"));
    t.linkRemoved("vrrp.51");
    assertThat(f.read().orElseThrow().links()).isEmpty();
  }

  /** Runs a probe just before each add reaches the real table. */
  private record InMemoryAddressTableSpy(InMemoryAddressTable real, Runnable beforeAdd)
      implements org.vrrpagent.core.io.AddressTable {
    @Override
    public List<InterfaceAddress> list(String interfaceName) {
      return real.list(interfaceName);
    }

    @Override
    public void add(String interfaceName, InterfaceAddress address) {
      beforeAdd.run();
      real.add(interfaceName, address);
    }

    @Override
    public void remove(String interfaceName, InterfaceAddress address) {
      real.remove(interfaceName, address);
    }
  }
}
