package org.vrrpagent.agent.notify;

/**
 * What the event stream carries: a state change, a conflict alarm, an address event, a DNS action's
 * outcome, or a step of a planned rotation.
 */
public sealed interface Notice
    permits StateEvent, ConflictEvent, AddressEvent, ActionEvent, RotationEvent {}
