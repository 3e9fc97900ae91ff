package org.vrrpagent.agent.control;

import java.util.Objects;

/**
 * What a demote, promote or reload did, for the operator: the HTTP status comes from {@link
 * Outcome}, the text is shown as is.
 *
 * @param outcome done, unknown instance (404), or refused (409: e.g. an invalid new config)
 * @param message one line: {@code "dns0: demoted by 100 (effective priority 150 -> 50)"}
 */
public record ActionResult(Outcome outcome, String message) {
  public enum Outcome {
    DONE(200),
    UNKNOWN_INSTANCE(404),
    REFUSED(409);

    private final int httpStatus;

    Outcome(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }
  }

  public ActionResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
  }

  public static ActionResult done(String message) {
    return new ActionResult(Outcome.DONE, message);
  }

  public static ActionResult unknownInstance(String name) {
    return new ActionResult(Outcome.UNKNOWN_INSTANCE, "no instance named '" + name + "'");
  }

  public static ActionResult refused(String message) {
    return new ActionResult(Outcome.REFUSED, message);
  }
}
