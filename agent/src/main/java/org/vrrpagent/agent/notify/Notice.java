package org.vrrpagent.agent.notify;

/**
 * What the event stream carries: a state change, a conflict alarm, an address event, or a DNS
 * action's outcome.
 */
public sealed interface Notice permits StateEvent, ConflictEvent, AddressEvent, ActionEvent {}
