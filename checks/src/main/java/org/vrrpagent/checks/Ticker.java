package org.vrrpagent.checks;

/** Monotonic time in nanoseconds. Production uses {@link #SYSTEM}; tests use a virtual clock. */
@FunctionalInterface
public interface Ticker {
  Ticker SYSTEM = System::nanoTime;

  long nanoTime();
}
