package org.vrrpagent.agent.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.config.RotationConfig;
import org.vrrpagent.agent.rotation.Rotation.Outcome;
import org.vrrpagent.agent.rotation.Rotation.Step;
import org.vrrpagent.core.fsm.VrrpState;

/** The schedule and the rotation's steps, in virtual time (no clock, no thread). */
class RotationTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final InetAddress PEER = InetAddress.ofLiteral("198.18.2.2");
  static final RotationConfig WEEKLY =
      new RotationConfig(
          Duration.ofDays(7),
          Optional.of(DayOfWeek.MONDAY),
          Optional.of(LocalTime.of(4, 0)),
          Duration.ofMinutes(10));
  static final Rotation.Observed MASTER = new Rotation.Observed(VrrpState.MASTER, null, 0);
  static final Rotation.Observed BACKUP_UNDER_PEER =
      new Rotation.Observed(VrrpState.BACKUP, PEER, 100);

  static Instant at(String local) {
    return ZonedDateTime.of(java.time.LocalDateTime.parse(local), BERLIN).toInstant();
  }

  @Test
  void weeklyOnMondayAtFourLocalEvenAcrossDaylightSaving() {
    RotationSchedule s = new RotationSchedule(WEEKLY, BERLIN);
    // Wednesday 2026-03-25 → Monday 2026-03-30 04:00 CEST (the clocks changed on the 29th).
    assertThat(s.next(at("2026-03-25T12:00"))).isEqualTo(at("2026-03-30T04:00"));
    assertThat(s.next(at("2026-03-30T04:00"))).isEqualTo(at("2026-04-06T04:00"));
    assertThat(s.next(at("2026-03-30T03:59"))).isEqualTo(at("2026-03-30T04:00"));
    // And back in autumn: Monday 2026-10-26 04:00 CET.
    assertThat(s.next(at("2026-10-24T00:00"))).isEqualTo(at("2026-10-26T04:00"));
  }

  @Test
  void everyTwoWeeksBothNodesAgreeWheneverTheyStarted() {
    RotationConfig fortnight =
        new RotationConfig(
            Duration.ofDays(14),
            Optional.of(DayOfWeek.MONDAY),
            Optional.empty(),
            Duration.ofHours(1));
    RotationSchedule a = new RotationSchedule(fortnight, BERLIN);
    Instant first = a.next(at("2026-11-02T00:00"));
    assertThat(a.next(first.minusSeconds(86_400 * 5))).isEqualTo(first);
    assertThat(Duration.between(first, a.next(first))).isEqualTo(Duration.ofDays(14));
    assertThat(ZonedDateTime.ofInstant(first, BERLIN).getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
  }

  @Test
  void shortPeriodsFollowTheirOwnBoundaries() {
    RotationSchedule s =
        new RotationSchedule(
            new RotationConfig(
                Duration.ofMinutes(2), Optional.empty(), Optional.empty(), Duration.ofSeconds(30)),
            BERLIN);
    assertThat(s.next(at("2026-11-27T20:01:10"))).isEqualTo(at("2026-11-27T20:02:00"));
    assertThat(s.next(at("2026-11-27T20:02:00"))).isEqualTo(at("2026-11-27T20:04:00"));
  }

  private static Rotation weekly(Instant now) {
    return new Rotation(
        new RotationSchedule(WEEKLY, BERLIN), WEEKLY.hold(), Duration.ofSeconds(6), now);
  }

  @Test
  void theMasterHandsOverHoldsAndTakesBack() {
    Instant t = at("2026-11-29T12:00"); // Sunday
    Rotation r = weekly(t);
    assertThat(r.due()).isEqualTo(at("2026-11-30T04:00"));
    assertThat(r.tick(at("2026-11-30T03:59:59"), MASTER)).isEmpty();
    List<Step> start = r.tick(at("2026-11-30T04:00"), MASTER);
    assertThat(start).first().isInstanceOf(Step.Demote.class);
    assertThat(start).last().isInstanceOf(Step.Report.class);
    assertThat(((Step.Report) start.getLast()).outcome()).isEqualTo(Outcome.STARTED);
    assertThat(r.due()).isEqualTo(at("2026-12-07T04:00"));
    // Still master for a moment: the peer's master-down interval runs.
    assertThat(r.tick(at("2026-11-30T04:00:02"), MASTER)).isEmpty();
    List<Step> over = r.tick(at("2026-11-30T04:00:04"), BACKUP_UNDER_PEER);
    assertThat(over)
        .singleElement()
        .isEqualTo(
            new Step.Report(
                Outcome.HANDED_OVER, "198.18.2.2 took over (priority 100); holding back for 10m"));
    assertThat(r.tick(at("2026-11-30T04:09:59"), BACKUP_UNDER_PEER)).isEmpty();
    List<Step> end = r.tick(at("2026-11-30T04:10:00"), BACKUP_UNDER_PEER);
    assertThat(end).first().isInstanceOf(Step.Restore.class);
    assertThat(((Step.Report) end.getLast()).outcome()).isEqualTo(Outcome.ENDED);
    assertThat(r.active()).isFalse();
  }

  @Test
  void noPeerTakesOverSoItIsSkippedAndThePriorityRestoredAtOnce() {
    Rotation r = weekly(at("2026-11-29T12:00"));
    r.tick(at("2026-11-30T04:00"), MASTER);
    assertThat(r.tick(at("2026-11-30T04:00:05"), MASTER)).isEmpty();
    List<Step> skipped = r.tick(at("2026-11-30T04:00:06"), MASTER);
    assertThat(skipped).first().isInstanceOf(Step.Restore.class);
    Step.Report report = (Step.Report) skipped.getLast();
    assertThat(report.outcome()).isEqualTo(Outcome.SKIPPED);
    assertThat(report.detail())
        .isEqualTo(
            "no peer took over within 6s (no adverts from a healthy peer: down, in FAULT, or not"
                + " preempting); priority restored, still MASTER");
    assertThat(r.active()).isFalse();
  }

  @Test
  void aBackupDoesNothingAtTheScheduledTimeButMovesToTheNextOne() {
    Rotation r = weekly(at("2026-11-29T12:00"));
    assertThat(r.tick(at("2026-11-30T04:00:01"), BACKUP_UNDER_PEER)).isEmpty();
    assertThat(r.due()).isEqualTo(at("2026-12-07T04:00"));
    assertThat(r.active()).isFalse();
  }

  @Test
  void rotateNowOnlyOnTheMasterAndNotTwice() {
    Rotation r = weekly(at("2026-11-29T12:00"));
    assertThat(r.now(at("2026-11-29T12:00"), BACKUP_UNDER_PEER))
        .singleElement()
        .isEqualTo(
            new Step.Report(
                Outcome.SKIPPED, "this node is BACKUP, not MASTER: rotate on the master"));
    assertThat(r.now(at("2026-11-29T12:00"), MASTER)).first().isInstanceOf(Step.Demote.class);
    assertThat(r.now(at("2026-11-29T12:00:01"), MASTER))
        .singleElement()
        .isEqualTo(new Step.Report(Outcome.SKIPPED, "a rotation is already in progress"));
    // The schedule is untouched by a manual rotation.
    assertThat(r.due()).isEqualTo(at("2026-11-30T04:00"));
  }
}
