package org.vrrpagent.agent.notify;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/** Signals a whole process group ({@code kill(-pgid, sig)}), through java.lang.foreign. */
final class ProcessGroup {
  static final int SIGTERM = 15;
  static final int SIGKILL = 9;

  private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

  private ProcessGroup() {}

  /** Sends {@code signal} to every process in group {@code pgid}; false when none was left. */
  static boolean signal(long pgid, int signal) {
    if (pgid <= 1 || pgid > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("process group " + pgid + " (expected: 2.." + Integer.MAX_VALUE + ")");
    }
    try {
      return (int) KILL.invokeExact(-(int) pgid, signal) == 0;
    } catch (Throwable t) {
      throw new IllegalStateException("kill(" + -pgid + ", " + signal + ") failed", t);
    }
  }
}
