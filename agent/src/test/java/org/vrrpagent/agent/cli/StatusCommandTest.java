package org.vrrpagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.control.StatusSnapshot;
import org.vrrpagent.agent.control.StatusSnapshot.ConflictStatus;
import org.vrrpagent.agent.control.StatusSnapshot.InstanceStatus;
import org.vrrpagent.agent.control.StatusSnapshot.PriorityReason;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code vrrp-agent status} as people read it: exact lines from a known snapshot. */
class StatusCommandTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant TAKEN = Instant.parse("2026-11-27T14:33:40Z");
  private static final ZoneId ZURICH = ZoneId.of("Europe/Zurich"); // UTC+1 in November

  private static String render(StatusSnapshot snapshot) {
    JsonNode json = JSON.readTree(JSON.writeValueAsString(snapshot));
    StringWriter out = new StringWriter();
    StatusCommand.print(json, new PrintWriter(out, true), ZURICH);
    return out.toString();
  }

  private static StatusSnapshot snapshot(InstanceStatus... instances) {
    return new StatusSnapshot("resolver-a", TAKEN, List.of(instances), List.of(), List.of());
  }

  @Test
  @DisplayName(
      "one readable reason per contribution, local time with its age, held / not held from the address table")
  void readableReasonsTimesAndAddresses() {
    InstanceStatus master =
        new InstanceStatus(
            "rdns0",
            "MASTER",
            null,
            200,
            150,
            List.of(
                new PriorityReason("configured", 200),
                new PriorityReason("check dns_ok down: -60", -60),
                new PriorityReason("check web up: +10", 10)),
            null,
            "198.18.0.11",
            150,
            List.of("198.18.0.53/24"),
            TAKEN.minusSeconds(150),
            List.of("198.18.0.53/24"),
            List.of(),
            "vrrp",
            -1,
            -1);
    InstanceStatus backup =
        new InstanceStatus(
            "rdns1",
            "BACKUP",
            null,
            100,
            100,
            List.of(new PriorityReason("configured", 100)),
            null,
            "198.18.0.12",
            200,
            List.of("198.18.0.54/24", "fd00:198:18::54/64"),
            TAKEN.minus(Duration.ofHours(26)),
            List.of(),
            List.of(),
            "vrrp",
            -1,
            -1);
    assertThat(render(snapshot(master, backup)))
        .isEqualTo(
            """
        node resolver-a

        INSTANCE  STATE   PRIORITY        MASTER       SINCE                                ADDRESSES
        rdns0     MASTER  150 (base 200)  198.18.0.11  15:31:10, 2 min ago                  198.18.0.53/24 (held)
        rdns1     BACKUP  100             198.18.0.12  2026-11-26 13:33:40, 26 h 0 min ago  198.18.0.54/24 (not held), fd00:198:18::54/64 (not held)
          rdns0: priority 150 = configured 200, check dns_ok down: -60, check web up: +10
        """);
  }

  @Test
  @DisplayName(
      "a base from the priority-order file: its value in parentheses, not run into the rank")
  void aRankedBaseKeepsItsValueApart() {
    InstanceStatus ranked =
        new InstanceStatus(
            "web",
            "BACKUP",
            null,
            200,
            140,
            List.of(
                new PriorityReason("priority-order file: rank 2 of 3", 200),
                new PriorityReason("check web_ok down: -60", -60)),
            null,
            "198.18.0.12",
            250,
            List.of("198.18.0.100/24"),
            TAKEN.minusSeconds(17),
            List.of(),
            List.of(),
            "vrrp",
            -1,
            -1);
    assertThat(render(snapshot(ranked)).lines())
        .contains(
            "  web: priority 140 = priority-order file: rank 2 of 3 (200), check web_ok down: -60");
  }

  @Test
  @DisplayName("clamping in words")
  void clampingInWords() {
    InstanceStatus low =
        new InstanceStatus(
            "rdns0",
            "BACKUP",
            null,
            100,
            1,
            List.of(
                new PriorityReason("configured", 100),
                new PriorityReason("check a down: -60", -60),
                new PriorityReason("check b down: -43", -43),
                new PriorityReason("clamped -3 to 1", 4)),
            null,
            null,
            -1,
            List.of("198.18.0.53/24"),
            null,
            null,
            List.of(),
            "vrrp",
            -1,
            -1);
    assertThat(render(snapshot(low)).lines())
        .contains(
            "rdns0     BACKUP  1 (base 100)  -       -      198.18.0.53/24",
            "  rdns0: priority 1 = configured 100, check a down: -60, check b down: -43; the sum -3 is below 1, the lowest"
                + " priority, so 1");
  }

  @Test
  @DisplayName("a conflict shows on the instance: peer, what differs, since when")
  void conflictShown() {
    InstanceStatus master =
        new InstanceStatus(
            "rdns1",
            "MASTER",
            null,
            100,
            100,
            List.of(new PriorityReason("configured", 100)),
            null,
            "198.18.0.11",
            100,
            List.of("198.18.0.54/24"),
            TAKEN.minusSeconds(600),
            List.of("198.18.0.54/24"),
            List.of(
                new ConflictStatus(
                    "198.18.0.12",
                    "VRRP version",
                    "version_mismatch",
                    "VRRPv2 from 198.18.0.12 (expected: VRRPv3)",
                    TAKEN.minusSeconds(590),
                    TAKEN.minusSeconds(1),
                    589)),
            "vrrp",
            -1,
            -1);
    assertThat(render(snapshot(master)).lines())
        .contains(
            "rdns1     MASTER (conflict)  100       198.18.0.11  15:23:40, 10 min ago  198.18.0.54/24 (held)",
            "  rdns1: CONFLICT with 198.18.0.12 since 15:23:50, 9 min ago: VRRP version differs (VRRPv2 from 198.18.0.12"
                + " (expected: VRRPv3)), 589 advert(s) dropped; both may hold the addresses");
  }

  @Test
  @DisplayName("ages: seconds, minutes, hours, days")
  void ages() {
    assertThat(StatusCommand.age(Duration.ofSeconds(42))).isEqualTo("42 s ago");
    assertThat(StatusCommand.age(Duration.ofSeconds(150))).isEqualTo("2 min ago");
    assertThat(StatusCommand.age(Duration.ofMinutes(90))).isEqualTo("1 h 30 min ago");
    assertThat(StatusCommand.age(Duration.ofDays(3))).isEqualTo("3 days ago");
    assertThat(StatusCommand.clampText("clamped 300 to 254"))
        .isEqualTo(
            "the sum 300 is above 254, the highest priority but the address owner's, so 254");
  }

  @Test
  @DisplayName("--json keeps its fields and only adds: heldAddresses, conflicts, protocol, advskew")
  void jsonIsAdditive() {
    JsonNode json =
        JSON.readTree(
            JSON.writeValueAsString(
                snapshot(
                    new InstanceStatus(
                        "rdns0",
                        "MASTER",
                        null,
                        200,
                        200,
                        List.of(),
                        null,
                        "198.18.0.11",
                        200,
                        List.of("198.18.0.53/24"),
                        TAKEN,
                        List.of("198.18.0.53/24"),
                        List.of(),
                        "vrrp",
                        -1,
                        -1))));
    List<String> fields = List.copyOf(json.get("instances").get(0).propertyNames());
    assertThat(fields)
        .containsExactly(
            "name",
            "state",
            "faultReason",
            "basePriority",
            "effectivePriority",
            "priorityReasons",
            "demotion",
            "masterAddress",
            "masterPriority",
            "virtualAddresses",
            "since",
            "heldAddresses",
            "conflicts",
            "protocol",
            "advskew",
            "demote");
  }
}
