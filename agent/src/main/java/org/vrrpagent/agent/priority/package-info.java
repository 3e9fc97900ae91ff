/**
 * The priority-order file: {@link org.vrrpagent.agent.priority.PriorityOrderFile} parses it, {@link
 * org.vrrpagent.agent.priority.RankedPriority} turns a node's place in it into a base priority,
 * {@link org.vrrpagent.agent.priority.PriorityOrderReloader} keeps the state (debounced, last good
 * order kept on error, missing = everyone unlisted) and {@link
 * org.vrrpagent.agent.priority.PriorityOrderWatcher} feeds it inotify events.
 *
 * <p>Wiring, one watcher per file (instances sharing a file share it):
 *
 * <pre>{@code
 * var reloader = new PriorityOrderReloader(file, DelayScheduler.of(executor), state -> engine.submit(...));
 * var watcher = PriorityOrderWatcher.start(reloader);   // loads now, then watches
 * RankedPriority base = RankedPriority.of(reloader.state().orderOrNull(), config.node(), instance.priorityOrder().get());
 * }</pre>
 */
package org.vrrpagent.agent.priority;
