package org.vrrpagent.checks.probe;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code kill(2)} through java.lang.foreign, to signal a whole process group, which ProcessHandle cannot. */
final class Signals {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Signals() {
    }

    /** Sends {@code signal} to every process in group {@code pgid}; false if none is left (ESRCH) or not allowed. */
    static boolean killGroup(long pgid, int signal) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("process group " + pgid + " (expected: > 1)");
        }
        try {
            return (int) KILL.invokeExact((int) -pgid, signal) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("kill(-" + pgid + ", " + signal + ") failed", t);
        }
    }

    /** The process group of {@code pid} from {@code /proc/PID/stat}, or -1 if it is gone. */
    static long processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[2]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }
}
