package org.vrrpagent.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.config.NotifyConfig.State;

class SyncGroupTrackerTest {
  private final SyncGroupTracker tracker =
      new SyncGroupTracker(
          Map.of("dns", List.of("a", "b")),
          Map.of("a", List.of("198.18.0.1"), "b", List.of("198.18.0.2")));

  private static StateEvent e(String name, String from, State to) {
    return new StateEvent(
        StateEvent.Type.INSTANCE,
        name,
        from,
        to,
        100,
        "r-" + name,
        List.of(),
        List.of(),
        Instant.EPOCH);
  }

  @Test
  void aGroupLineOnlyWhenEveryMemberAgreesAndOnlyOncePerState() {
    assertThat(tracker.on(e("a", "INIT", State.BACKUP))).isEmpty();
    List<StateEvent> backup = tracker.on(e("b", "INIT", State.BACKUP));
    assertThat(backup)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.type()).isEqualTo(StateEvent.Type.GROUP);
              assertThat(g.fifoLine()).isEqualTo("GROUP \"dns\" BACKUP 0");
              assertThat(g.from()).isEqualTo("INIT");
              assertThat(g.members()).containsExactly("a", "b");
              assertThat(g.vips()).containsExactly("198.18.0.1", "198.18.0.2");
              assertThat(g.reason()).contains("r-b");
            });
    assertThat(tracker.on(e("a", "BACKUP", State.MASTER))).isEmpty();
    assertThat(tracker.on(e("b", "BACKUP", State.MASTER)))
        .singleElement()
        .satisfies(g -> assertThat(g.summary()).isEqualTo("dns: BACKUP -> MASTER (prio 0)"));
    assertThat(tracker.on(e("b", "MASTER", State.MASTER))).isEmpty();
  }

  @Test
  void anInstanceOutsideAnyGroupGivesNoGroupLine() {
    assertThat(tracker.on(e("c", "INIT", State.BACKUP))).isEmpty();
  }
}
