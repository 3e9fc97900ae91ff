package org.vrrpagent.agent.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The short side-by-side run in CI ({@link SideBySideBench}, one run per daemon): it prints the
 * issue's table, vrrp-agent beside keepalived, into the failsafe report. The numbers are reported,
 * not asserted (the machine is shared and noisy); the test fails only when a measurement could not
 * be made at all (a daemon that does not start or never adverts).
 */
class SideBySideIT {
  @Test
  @DisplayName("side by side with keepalived (short): memory, exec → first advert, CLI; printed")
  void printsTheSideBySideTable() {
    new SideBySideBench(1, true, System.out).run();
  }
}
