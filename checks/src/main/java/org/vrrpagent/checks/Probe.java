package org.vrrpagent.checks;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One health probe, created once from its {@link ProbeSpec} and run many times.
 *
 * <p>Contract: {@link #run} returns at once (it never blocks the caller: network probes run on a
 * Netty event loop or dnsjava's selector, blocking ones on a virtual thread); the returned stage
 * always completes, normally, with a {@link ProbeResult} — failures are {@code DOWN} results, never
 * exceptions — and completes no later than about {@code timeout} after the call (a script may take
 * its kill grace longer). A probe may be run again only after its previous stage has completed.
 */
public interface Probe extends AutoCloseable {

  CompletionStage<ProbeResult> run(Duration timeout);

  /** Releases what the probe holds (file handles, SSL contexts). The default holds nothing. */
  @Override
  default void close() {}
}
