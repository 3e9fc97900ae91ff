package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.checks.FileProbeSpec;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;

/** The file probe (keepalived track_file) on real files. */
class FileProbeTest {
    static ProbeFactory probes;

    @BeforeAll
    static void start() {
        probes = new ProbeFactory();
    }

    @AfterAll
    static void stop() {
        probes.close();
    }

    static ProbeResult run(Probe p) throws Exception {
        return p.run(Duration.ofSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void valueIsReadAndZeroIsUp(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("weight");
        Probe p = probes.create(new FileProbeSpec(f));
        ProbeResult missing = run(p);
        assertThat(missing.fileValue()).isEqualTo(OptionalInt.of(0));
        assertThat(missing.isUp()).isTrue();
        assertThat(missing.warning()).isEqualTo("file " + f + " is missing (read as 0)");

        Files.writeString(f, "0\n");
        assertThat(run(p).fileValue()).isEqualTo(OptionalInt.of(0));
        Files.writeString(f, "-254\n");
        ProbeResult fault = run(p);
        assertThat(fault.fileValue()).isEqualTo(OptionalInt.of(-254));
        assertThat(fault.isUp()).isFalse();
        assertThat(fault.reason()).isEqualTo("file " + f + ": value -254");
        Files.writeString(f, "12 trailing words\n");
        assertThat(run(p).fileValue()).isEqualTo(OptionalInt.of(12));
        Files.writeString(f, "twelve");
        assertThat(run(p).reason()).isEqualTo("file " + f + ": \"twelve\" (expected: an integer)");
    }

    @Test
    void unchangedFileIsNotReadAgainButAChangeIsSeen(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("weight");
        Files.writeString(f, "5");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Files.setLastModifiedTime(f, FileTime.from(t));
        Probe p = probes.create(new FileProbeSpec(f));
        assertThat(run(p).fileValue()).isEqualTo(OptionalInt.of(5));
        // Same size and time, other content: the cached value proves no re-read happened.
        Files.writeString(f, "7");
        Files.setLastModifiedTime(f, FileTime.from(t));
        assertThat(run(p).fileValue()).isEqualTo(OptionalInt.of(5));
        Files.setLastModifiedTime(f, FileTime.from(t.plusSeconds(1)));
        assertThat(run(p).fileValue()).isEqualTo(OptionalInt.of(7));
    }
}
