package org.vrrpagent.agent.notify;

/** What the event stream carries: a state change, a conflict alarm, or an address event. */
public sealed interface Notice permits StateEvent, ConflictEvent, AddressEvent {}
