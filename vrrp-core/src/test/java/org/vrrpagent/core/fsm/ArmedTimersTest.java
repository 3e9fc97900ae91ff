package org.vrrpagent.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.Action.ArmTimer;
import org.vrrpagent.core.fsm.Action.CancelTimer;

class ArmedTimersTest {
  @Test
  void armingAndCancellingAreReportedOnceEach() {
    ArmedTimers timers = new ArmedTimers();
    List<Action> out = new ArrayList<>();
    timers.cancel(TimerName.MASTER_DOWN, out);
    assertThat(out).as("cancelling a timer that is not armed says nothing").isEmpty();

    timers.arm(TimerName.MASTER_DOWN, 3_000, out);
    timers.arm(TimerName.MASTER_DOWN, 5_000, out);
    assertThat(timers.deadlineNanos(TimerName.MASTER_DOWN)).isEqualTo(5_000);
    assertThat(timers.deadlineNanos(TimerName.ADVERTISEMENT)).isEqualTo(-1);
    timers.cancel(TimerName.MASTER_DOWN, out);
    timers.cancel(TimerName.MASTER_DOWN, out);
    assertThat(out)
        .containsExactly(
            new ArmTimer(TimerName.MASTER_DOWN, 3_000),
            new ArmTimer(TimerName.MASTER_DOWN, 5_000),
            new CancelTimer(TimerName.MASTER_DOWN));
    assertThat(timers.isArmed(TimerName.MASTER_DOWN)).isFalse();
  }

  @Test
  void aFiredTimerIsDisarmedSilently() {
    ArmedTimers timers = new ArmedTimers();
    List<Action> out = new ArrayList<>();
    timers.arm(TimerName.ADVERTISEMENT, 1_000, out);
    assertThat(timers.disarm(TimerName.ADVERTISEMENT)).isTrue();
    assertThat(timers.disarm(TimerName.ADVERTISEMENT)).isFalse();
    assertThat(out).containsExactly(new ArmTimer(TimerName.ADVERTISEMENT, 1_000));
  }

  @Test
  void aTimerSinkIsToldInsteadOfAddingActions() {
    List<String> told = new ArrayList<>();
    class Sink extends ArrayList<Action> implements Action.TimerSink {
      @Override
      public void armTimer(TimerName timer, long deadlineNanos) {
        told.add("arm " + timer + " " + deadlineNanos);
      }

      @Override
      public void cancelTimer(TimerName timer) {
        told.add("cancel " + timer);
      }
    }
    Sink sink = new Sink();
    ArmedTimers timers = new ArmedTimers();
    timers.arm(TimerName.PREEMPT_DELAY, 7, sink);
    timers.cancel(TimerName.PREEMPT_DELAY, sink);
    assertThat(sink).isEmpty();
    assertThat(told).containsExactly("arm PREEMPT_DELAY 7", "cancel PREEMPT_DELAY");
  }
}
