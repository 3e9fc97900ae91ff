package org.vrrpagent.agent.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.NotifyConfig.Email;

/**
 * The mail thread: coalesces transitions into mails ({@link MailCoalescer}), keeps the mails in a
 * bounded queue, and sends them in order, retrying the oldest with exponential backoff ({@link
 * #initialBackoff} doubling up to {@link #MAX_BACKOFF}) while the server is unreachable. Past
 * {@link #MAX_QUEUED_MAILS} the oldest mail is dropped and counted. {@link #offer} never blocks.
 *
 * <p>The queue's lock guards only the queues: nothing slow and nothing outside this class runs
 * while it is held. A mail's text is built from the snapshot that came with its last event ({@link
 * #offer}) and the check status, outside the lock; SMTP runs outside it too. So the engine thread,
 * which offers events, can never wait for the mail thread, and the mail thread never calls into the
 * engine.
 */
final class MailQueue {
  private static final Logger log = LoggerFactory.getLogger(MailQueue.class);

  /** Mails waiting to be sent; past this the oldest is dropped and counted. */
  static final int MAX_QUEUED_MAILS = 100;

  /**
   * Transitions waiting for the mail thread; past this the oldest is dropped (and counted as events
   * dropped).
   */
  static final int MAX_PENDING_EVENTS = 1000;

  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private final String node;
  private final StatusSource status;
  private final MailSender sender;
  private final MailCoalescer coalescer;
  private final Duration initialBackoff;
  private final LongSupplier nanoClock = System::nanoTime;
  private final ArrayDeque<Offered> events = new ArrayDeque<>();
  private final ArrayDeque<MailText> mails = new ArrayDeque<>();
  private final LongAdder sent = new LongAdder();
  private final LongAdder attemptsFailed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder eventsDropped = new LongAdder();
  private final Thread thread;
  private boolean closing;

  /** The snapshot that came with the last event handed to the coalescer. */
  private List<StatusSource.InstanceSummary> coalescedSnapshot = List.of();

  private long nextAttemptNanos;
  private Duration backoff;

  MailQueue(
      String node, Email email, StatusSource status, MailSender sender, Duration initialBackoff) {
    this.node = node;
    this.status = status;
    this.sender = sender;
    this.coalescer = new MailCoalescer(new MailPolicy(email.when()), email.coalesce());
    this.initialBackoff = initialBackoff;
    this.backoff = initialBackoff;
    this.thread = Thread.ofPlatform().daemon().name("notify-mail").unstarted(this::loop);
    thread.start();
  }

  /** An event and every instance as of it. */
  private record Offered(StateEvent event, List<StatusSource.InstanceSummary> instances) {}

  /** A batch the coalescer released, to be turned into a mail outside the lock. */
  private record Due(MailCoalescer.Batch batch, List<StatusSource.InstanceSummary> instances) {}

  /**
   * Hands a transition to the mail thread, with every instance's state as of it (taken by the
   * caller, on the engine thread); never blocks (the lock is only ever held for queue operations).
   */
  void offer(StateEvent event) {
    offer(event, List.of());
  }

  synchronized void offer(StateEvent event, List<StatusSource.InstanceSummary> instances) {
    if (closing) {
      return;
    }
    if (events.size() >= MAX_PENDING_EVENTS) {
      events.removeFirst();
      eventsDropped.increment();
    }
    events.addLast(new Offered(event, List.copyOf(instances)));
    notifyAll();
  }

  /**
   * A conflict alarm: its own mail, at once (not coalesced with transitions, whatever {@code when:}
   * says: a split brain always deserves one). Never blocks; does not ask for status, so it holds no
   * lock while calling anything.
   */
  synchronized void offer(ConflictEvent event) {
    if (closing) {
      return;
    }
    enqueue(MailText.of(node, event));
    notifyAll();
  }

  /** A step of a planned rotation: its own mail, at once. Never blocks. */
  synchronized void offer(RotationEvent event) {
    if (closing) {
      return;
    }
    enqueue(MailText.of(node, event));
    notifyAll();
  }

  /** A DNS action's outcome: its own mail, at once, like a conflict alarm. Never blocks. */
  synchronized void offer(ActionEvent event) {
    if (closing) {
      return;
    }
    enqueue(MailText.of(node, event));
    notifyAll();
  }

  long sent() {
    return sent.sum();
  }

  long attemptsFailed() {
    return attemptsFailed.sum();
  }

  long dropped() {
    return dropped.sum();
  }

  long eventsDropped() {
    return eventsDropped.sum();
  }

  synchronized int depth() {
    return mails.size();
  }

  /**
   * Closes the open coalescing window at once and tries to send what is queued until the budget has
   * passed; what is left is dropped (counted). Never waits longer than the budget plus half a
   * second.
   */
  boolean close(Duration budget) {
    long deadline = nanoClock.getAsLong() + budget.toNanos();
    synchronized (this) {
      closing = true;
      nextAttemptNanos = nanoClock.getAsLong(); // one last try now, whatever the backoff
      notifyAll();
    }
    try {
      thread.join(budget);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive()) {
      return true;
    }
    synchronized (this) {
      int left = mails.size();
      dropped.add(left);
      mails.clear();
      log.warn("mail: {} mail(s) not sent before shutdown, dropped", left);
      notifyAll();
    }
    thread.interrupt(); // a send in progress ends at its SMTP timeout; the thread is a daemon
    try {
      thread.join(
          Duration.ofNanos(
              Math.max(
                  1, Math.min(500_000_000L, deadline + 500_000_000L - nanoClock.getAsLong()))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private void loop() {
    while (true) {
      MailText next = null;
      Due due = null;
      synchronized (this) {
        while (true) {
          long now = nanoClock.getAsLong();
          if (closing) {
            while (!events.isEmpty()) {
              coalesce(
                  events.removeFirst(), now); // at shutdown everything still pending is one mail
            }
          } else if (!events.isEmpty()) {
            coalesce(
                events.removeFirst(), now); // one at a time: with coalesce 0s each is its own mail
          }
          var batch = closing ? coalescer.flush() : coalescer.due(now);
          if (batch.isPresent()) {
            due = new Due(batch.get(), coalescedSnapshot);
            break;
          }
          if (!events.isEmpty()) {
            continue;
          }
          if (!mails.isEmpty() && now - nextAttemptNanos >= 0) {
            next = mails.peekFirst();
            break;
          }
          if (closing && mails.isEmpty()) {
            return;
          }
          long wait = Long.MAX_VALUE;
          if (coalescer.deadlineNanos().isPresent()) {
            wait = Math.min(wait, coalescer.deadlineNanos().get() - now);
          }
          if (!mails.isEmpty()) {
            wait = Math.min(wait, nextAttemptNanos - now);
          }
          try {
            if (wait == Long.MAX_VALUE) {
              wait();
            } else {
              long millis = Math.max(1, (wait + 999_999) / 1_000_000);
              wait(millis);
            }
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      if (due != null) {
        MailText text = MailText.of(node, due.batch(), due.instances(), status); // no lock held
        synchronized (this) {
          enqueue(text);
        }
        continue;
      }
      boolean ok = attempt(next);
      synchronized (this) {
        if (ok) {
          if (mails.peekFirst() == next) {
            mails.removeFirst();
          }
          backoff = initialBackoff;
          nextAttemptNanos = nanoClock.getAsLong();
        } else {
          if (closing) {
            // no retries at shutdown: drop what is left
            dropped.add(mails.size());
            log.warn("mail: SMTP unavailable at shutdown, {} mail(s) dropped", mails.size());
            mails.clear();
            return;
          }
          nextAttemptNanos = nanoClock.getAsLong() + backoff.toNanos();
          backoff =
              backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                  ? MAX_BACKOFF
                  : backoff.multipliedBy(2);
        }
      }
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }

  private void coalesce(Offered offered, long now) {
    coalescer.add(offered.event(), now);
    if (!offered.instances().isEmpty()) {
      coalescedSnapshot = offered.instances();
    }
  }

  private void enqueue(MailText mail) {
    if (mails.size() >= MAX_QUEUED_MAILS) {
      MailText old = mails.removeFirst();
      dropped.increment();
      log.warn("mail: {} mails waiting, dropped the oldest: {}", MAX_QUEUED_MAILS, old.subject());
    }
    mails.addLast(mail);
  }

  private boolean attempt(MailText mail) {
    try {
      sender.send(mail, Instant.now());
      sent.increment();
      log.info("mail sent: {}", mail.subject());
      return true;
    } catch (Exception e) {
      attemptsFailed.increment();
      log.warn(
          "mail not sent ({} waiting, retry in {}): {}: {}",
          depth(),
          backoff,
          mail.subject(),
          e.toString());
      return false;
    }
  }
}
