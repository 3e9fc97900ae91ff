package org.vrrpagent.agent.demo;

import java.time.Duration;
import java.util.List;

/**
 * What the demo plays its scenario on: the real lab ({@link NetnsDemoNetwork}: network namespaces,
 * real agents, real web servers) or the simulated LAN ({@link SimulatedDemoNetwork}). Both have the
 * same three hosts, the same configuration and the same operator actions, so {@link DemoScenario}
 * checks the same verdicts on either.
 */
public interface DemoNetwork extends AutoCloseable {
  /** The hosts, first preferred in the initial priority-order file. */
  List<String> HOSTS = List.of("h1", "h2", "h3");

  /** The virtual address the hosts share. */
  String ADDRESS = "198.18.0.100";

  /** The VRRP instance's name in every host's configuration. */
  String INSTANCE = "web";

  /** The health check's name. */
  String CHECK = "web_ok";

  /** The priority of the 1st, 2nd and 3rd host in the priority-order file. */
  List<Integer> RANKS = List.of(250, 200, 150);

  /** What a failed check subtracts. */
  int CHECK_WEIGHT = -60;

  /** The VRID. */
  int VRID = 51;

  /** One line for the header: what this network is. */
  String describe();

  /** Whether the times it measures are virtual (a simulation) rather than wall-clock. */
  boolean simulated();

  /** Builds what is needed and starts the web server of every host (not the agents yet). */
  void build();

  /** One line saying what {@link #build()} made (names to look for), or "". */
  default String built() {
    return "";
  }

  /** Starts every host's agent. */
  void startAgents();

  /** Stops a host's web server (its check then fails). */
  void stopService(String host);

  /** Starts a host's web server again. */
  void startService(String host);

  /** Rewrites the priority-order file every host reads. */
  void writeOrder(List<String> hosts);

  /** {@code vrrp-agent demote web} on a host (maintenance: to BACKUP and stay there). */
  void demote(String host);

  /** {@code vrrp-agent promote web} on a host. */
  void promote(String host);

  /** Every host now, in {@link #HOSTS} order. */
  List<HostView> view();

  /** The clock the demo measures with (monotonic nanoseconds; virtual in a simulation). */
  long nanoTime();

  /** Lets {@code d} pass (sleeps, or advances virtual time). */
  void pause(Duration d);

  /** Extra lines to show when a step failed (e.g. the agents' last log lines). */
  default String diagnostics() {
    return "";
  }

  /**
   * The end of the demo: removes everything it built, unless {@code keep}; then returns what to
   * tell the user (how to look around and remove it, or what was removed).
   */
  String finish(boolean keep);

  /** Removes everything (idempotent); for failures and interruptions. */
  @Override
  void close();
}
