package org.vrrpagent.agent.notify;

/**
 * Counters of everything notifications do, for metrics. All are totals since start except the queue
 * depths.
 *
 * @param hooksRun hook processes started
 * @param hooksFailed hook runs that exited non-zero or could not start
 * @param hooksTimedOut hook runs killed at their timeout (also counted as failed)
 * @param hooksDropped hook runs dropped because a hook's queue was full (oldest first)
 * @param hookQueueDepth hook runs waiting, over all hooks
 * @param mailsSent mails the SMTP server accepted
 * @param mailAttemptsFailed send attempts that failed (each retry counts)
 * @param mailsDropped mails dropped: queue full (oldest first) or unsent at shutdown
 * @param mailQueueDepth mails waiting to be sent
 * @param eventsDropped events the event stream (log, FIFO, subscribers) dropped because its queue
 *     was full
 * @param eventsWritten events written to the event log, FIFO and subscribers
 */
public record NotificationStats(
    long hooksRun,
    long hooksFailed,
    long hooksTimedOut,
    long hooksDropped,
    int hookQueueDepth,
    long mailsSent,
    long mailAttemptsFailed,
    long mailsDropped,
    int mailQueueDepth,
    long eventsDropped,
    long eventsWritten) {}
