package org.vrrpagent.agent.demo;

/**
 * One host of the demo at one moment, as its agent reports it and as the network shows it.
 *
 * @param host the host's name ({@code h1}), also its node name in the priority-order file
 * @param state the instance's VRRP state ({@code MASTER}, {@code BACKUP}, …), or what keeps us from
 *     knowing it ({@code starting}, {@code down})
 * @param priority the effective priority the agent advertises; -1 when unknown
 * @param why how that priority was reached, in one line
 * @param holdsAddress whether the virtual address is on this host's interface now
 */
public record HostView(String host, String state, int priority, String why, boolean holdsAddress) {}
