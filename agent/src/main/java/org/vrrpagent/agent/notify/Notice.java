package org.vrrpagent.agent.notify;

/** What the event stream carries: a state change or a conflict alarm. */
public sealed interface Notice permits StateEvent, ConflictEvent {}
