package org.vrrpagent.agent.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CLI's side of the control API: one request, one answer. Any failure is an {@link AgentError}
 * whose message is the one line the operator sees.
 */
final class ControlClient {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** The agent could not be reached, or it answered with an error. Exit code 1. */
  static final class AgentError extends Exception {
    AgentError(String message) {
      super(message);
    }
  }

  /** A successful answer. */
  record Answer(int status, String body) {
    JsonNode json() throws AgentError {
      try {
        return JSON.readTree(body);
      } catch (JacksonException e) {
        throw new AgentError("the agent's answer is not JSON: " + e.getOriginalMessage());
      }
    }
  }

  private final URI base;

  /** The socket path for {@code unix:/run/vrrp-agent/control.sock}; null for http. */
  private final java.nio.file.Path unixSocket;

  ControlClient(URI base) {
    if ("unix".equals(base.getScheme())) {
      String path = base.getSchemeSpecificPart();
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException(
            "--control "
                + base
                + " (expected: unix:/ABSOLUTE/PATH, e.g. "
                + "unix:/run/vrrp-agent/control.sock)");
      }
      this.unixSocket = java.nio.file.Path.of(path);
    } else if (base.getScheme() == null
        || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
        || base.getHost() == null) {
      throw new IllegalArgumentException(
          "--control "
              + base
              + " (expected: http://HOST:PORT, e.g. "
              + ControlOption.DEFAULT_URL
              + ", or unix:/PATH)");
    } else {
      this.unixSocket = null;
    }
    this.base = base;
  }

  Answer get(String path) throws AgentError {
    if (unixSocket != null) {
      return sendUnix("GET", path);
    }
    return send(HttpRequest.newBuilder(resolve(path)).GET());
  }

  Answer post(String path) throws AgentError {
    if (unixSocket != null) {
      return sendUnix("POST", path);
    }
    return send(HttpRequest.newBuilder(resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private Answer sendUnix(String method, String path) throws AgentError {
    UnixHttpExchange.Response response;
    try {
      response = UnixHttpExchange.send(unixSocket, method, path, REQUEST_TIMEOUT);
    } catch (java.net.SocketException | java.nio.file.NoSuchFileException e) {
      throw new AgentError(
          "cannot reach the agent at "
              + base
              + " ("
              + reason(e)
              + "): is it running, and is this its control.unix-socket?");
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AgentError(
          "the agent at " + base + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      throw new AgentError("cannot talk to the agent at " + base + ": " + reason(e));
    }
    return answer(response.status(), response.body());
  }

  private URI resolve(String path) {
    String b = base.toString();
    return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
  }

  private Answer send(HttpRequest.Builder request) throws AgentError {
    HttpRequest r = request.timeout(REQUEST_TIMEOUT).build();
    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build()) {
      response = http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new AgentError(
          "cannot reach the agent at "
              + base
              + " ("
              + reason(e)
              + "): is it running, and is this its control.listen address?");
    } catch (HttpTimeoutException e) {
      throw new AgentError(
          "the agent at " + base + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      throw new AgentError("cannot talk to the agent at " + base + ": " + reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentError("interrupted");
    }
    return answer(response.statusCode(), response.body());
  }

  private static Answer answer(int status, String body) throws AgentError {
    if (status / 100 != 2) {
      String error = body;
      try {
        JsonNode node = JSON.readTree(error);
        if (node.hasNonNull("error")) {
          error = node.get("error").asString();
        }
      } catch (JacksonException e) {
        // not JSON: show the body as it is
      }
      throw new AgentError(error.strip() + " (HTTP " + status + ")");
    }
    return new Answer(status, body);
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
