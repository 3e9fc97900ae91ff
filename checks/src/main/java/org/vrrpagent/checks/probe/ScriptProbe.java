package org.vrrpagent.checks.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.checks.InvalidOptionException;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.ScriptProbeSpec;

/**
 * The {@code script} probe. The program runs under {@code setsid -w} so that it leads its own session and
 * process group; on timeout the group gets SIGTERM and, after the grace, SIGKILL — children it started die with it.
 * With {@code user}, {@code setpriv} switches to that user's uid, primary gid and supplementary groups before exec.
 * A virtual thread waits for the process and another reads its output, so no platform thread is held.
 */
final class ScriptProbe implements Probe {
    private static final Logger log = LoggerFactory.getLogger(ScriptProbe.class);
    /** How long to wait for the output pipe to close after the script exited (a background child may hold it). */
    static final Duration OUTPUT_DRAIN_WAIT = Duration.ofMillis(200);

    private final ScriptProbeSpec spec;
    private final ExecutorService virtualThreads;

    ScriptProbe(ScriptProbeSpec spec, ExecutorService virtualThreads) {
        this.spec = spec;
        this.virtualThreads = virtualThreads;
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>(List.of("setsid", "-w"));
        if (spec.user() != null) {
            long gid = primaryGid(spec.user());
            cmd.addAll(List.of("setpriv", "--reuid=" + spec.user(), "--regid=" + gid, "--init-groups", "--"));
        }
        cmd.addAll(spec.exec());
        return cmd;
    }

    @Override
    public CompletionStage<ProbeResult> run(Duration timeout) {
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        virtualThreads.execute(() -> {
            try {
                result.complete(runBlocking(timeout));
            } catch (RuntimeException | Error e) {
                result.complete(ProbeResult.down("script failed: " + e.getMessage(), 0));
            }
        });
        return result;
    }

    private ProbeResult runBlocking(Duration timeout) {
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
        } catch (IOException | IllegalArgumentException e) {
            return ProbeResult.down("cannot start " + spec.exec().getFirst() + ": " + e.getMessage(), System.nanoTime() - start);
        }
        OutputCapture output = new OutputCapture(process.getInputStream(), spec.maxOutputBytes());
        virtualThreads.execute(output);
        String killNote = null;
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                killNote = kill(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            return ProbeResult.down("interrupted", System.nanoTime() - start);
        }
        long latency = System.nanoTime() - start;
        output.awaitEnd(OUTPUT_DRAIN_WAIT);
        String text = output.text();
        ProbeResult r;
        if (killNote != null) {
            r = ProbeResult.down("timed out after " + DurationText.of(timeout) + " (" + killNote + ")", latency);
        } else if (process.exitValue() == 0) {
            r = ProbeResult.up("exit 0", latency);
        } else {
            r = ProbeResult.down("exit " + process.exitValue() + lastLine(text), latency);
        }
        return r.withOutput(text, output.truncated());
    }

    /** SIGTERM to the group, SIGKILL after the grace; waits until the leader is reaped. Returns what it did. */
    private String kill(Process process) {
        long pid = process.pid();
        long pgid = Signals.processGroup(pid);
        boolean ownGroup = pgid == pid; // setsid made it a group leader; otherwise kill what we can see
        signal(process, ownGroup, Signals.SIGTERM);
        try {
            if (process.waitFor(spec.killGrace().toNanos(), TimeUnit.NANOSECONDS)) {
                if (ownGroup) {
                    Signals.killGroup(pid, Signals.SIGKILL); // children that ignored SIGTERM
                }
                return "process group terminated";
            }
            signal(process, ownGroup, Signals.SIGKILL);
            process.waitFor();
            return "killed after " + DurationText.of(spec.killGrace()) + " grace";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            signal(process, ownGroup, Signals.SIGKILL);
            return "killed";
        }
    }

    private static void signal(Process process, boolean ownGroup, int signal) {
        if (ownGroup) {
            Signals.killGroup(process.pid(), signal);
        } else {
            process.descendants().forEach(p -> {
                if (signal == Signals.SIGKILL) {
                    p.destroyForcibly();
                } else {
                    p.destroy();
                }
            });
            if (signal == Signals.SIGKILL) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
        }
    }

    private static String lastLine(String output) {
        String trimmed = output.strip();
        if (trimmed.isEmpty()) {
            return "";
        }
        String last = trimmed.substring(trimmed.lastIndexOf('\n') + 1).strip();
        return last.length() > 120 ? ": " + last.substring(0, 119) + "…" : ": " + last;
    }

    /** The user's primary group from /etc/passwd (setpriv needs a numeric or named gid). */
    static long primaryGid(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length >= 4 && f[0].equals(user)) {
                    return Long.parseLong(f[3]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new InvalidOptionException("user", "user \"" + user + "\": cannot read /etc/passwd: " + e.getMessage()
                    + " (expected: a readable /etc/passwd)");
        }
        throw new InvalidOptionException("user", "user \"" + user + "\" is not in /etc/passwd (expected: a user of this host)");
    }

    /** Reads a process's output to the end, keeping at most {@code limit} bytes and dropping the rest. */
    private static final class OutputCapture implements Runnable {
        private final InputStream in;
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private long dropped;

        OutputCapture(InputStream in, int limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (this) {
                        int keep = Math.min(n, limit - kept.size());
                        if (keep > 0) {
                            kept.write(buf, 0, keep);
                        }
                        dropped += n - Math.max(keep, 0);
                    }
                }
            } catch (IOException e) {
                log.debug("script output read ended: {}", e.toString());
            } finally {
                done.complete(null);
            }
        }

        void awaitEnd(Duration wait) {
            try {
                done.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // a background child still holds the pipe: keep what we have
            }
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }

        synchronized boolean truncated() {
            return dropped > 0;
        }
    }
}
