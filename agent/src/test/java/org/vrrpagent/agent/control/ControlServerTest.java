package org.vrrpagent.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vrrpagent.agent.config.ControlConfig;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ControlServerTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;

  private final FakeBackend backend = new FakeBackend();
  private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicInteger unsubscribed = new AtomicInteger();
  private final EventSource events =
      json -> {
        subscribers.add(json);
        return () -> {
          subscribers.remove(json);
          unsubscribed.incrementAndGet();
        };
      };
  private ControlServer server;
  private URI base;
  private Path socket;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() {
    socket = dir.resolve("control.sock");
    server = new ControlServer(backend, () -> "# TYPE x gauge\nx 1\n", events);
    List<SocketAddress> bound =
        server.start(
            new ControlConfig(
                Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Optional.of(socket)));
    InetSocketAddress tcp = (InetSocketAddress) bound.getFirst();
    base = URI.create("http://127.0.0.1:" + tcp.getPort());
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }

  @Test
  void statusIsTheBackendSnapshotAsJson() throws Exception {
    HttpResponse<String> r = send("GET", "/status");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("node").asString()).isEqualTo("recdns-sby");
    JsonNode dns0 = body.get("instances").get(0);
    assertThat(dns0.get("name").asString()).isEqualTo("dns0");
    assertThat(dns0.get("state").asString()).isEqualTo("MASTER");
    assertThat(dns0.get("basePriority").asInt()).isEqualTo(200);
    assertThat(dns0.get("effectivePriority").asInt()).isEqualTo(150);
    assertThat(dns0.get("priorityReasons").get(1).get("source").asString())
        .isEqualTo("check resolver (down)");
    assertThat(dns0.get("priorityReasons").get(1).get("delta").asInt()).isEqualTo(-50);
    assertThat(dns0.get("masterAddress").asString()).isEqualTo("198.18.0.2");
    assertThat(dns0.get("virtualAddresses").get(1).asString()).isEqualTo("fd00:198:18::100/64");
    assertThat(dns0.get("since").asString()).isEqualTo("2026-11-22T03:00:00Z");
    JsonNode check = body.get("checks").get(0);
    assertThat(check.get("up").asBoolean()).isFalse();
    assertThat(check.get("reason").asString())
        .isEqualTo("DNS 127.0.0.1: SERVFAIL (expected: NOERROR)");
    assertThat(check.get("latencyMillis").asDouble()).isEqualTo(12.5);
    assertThat(body.get("priorityOrderFiles").get(0).get("hosts").get(0).asString())
        .isEqualTo("recdns-cnh");
  }

  @Test
  void metricsIsPrometheusText() throws Exception {
    HttpResponse<String> r = send("GET", "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .hasValue(ControlRequestHandler.PROMETHEUS_TEXT);
    assertThat(r.body()).isEqualTo("# TYPE x gauge\nx 1\n");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/instances/dns0/demote?by=100          | demote dns0 By[by=100]",
        "/instances/dns0/demote?by=254          | demote dns0 By[by=254]",
        "/instances/dns0/demote?to-backup       | demote dns0 ToBackup[]",
        "/instances/dns0/demote                 | demote dns0 ToBackup[]",
        "/instances/dns0/promote                | promote dns0",
        "/instances/dns0/rotate                 | rotate dns0",
        "/reload                                | reload",
      })
  void actionsReachTheBackend(String path, String call) throws Exception {
    HttpResponse<String> r = send("POST", path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("ok").asBoolean()).isTrue();
    assertThat(json(r).get("message").asString()).isNotBlank();
    assertThat(backend.calls).containsExactly(call);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "POST | /instances/dns9/demote            | 404 | no instance named 'dns9'",
        "POST | /instances/dns9/promote           | 404 | no instance named 'dns9'",
        "POST | /instances/dns0/demote?by=abc     | 400 | by=abc (expected: a number 1..254)",
        "POST | /instances/dns0/demote?by=0       | 400 | by=0 (expected: 1..254)",
        "POST | /instances/dns0/demote?by=255     | 400 | by=255 (expected: 1..254)",
        "POST | /instances/dns0/demote?by=1&by=2  | 400 | by given 2 times (expected: once)",
        "POST | /instances/dns0/demote?by=5&to-backup | 400 | by and to-backup together (expected: one of them)",
        "POST | /instances/dns0/demote?to-backup=yes | 400 | to-backup takes no value (got: to-backup=yes)",
        "POST | /instances/dns0/demote?bye=5      | 400 | unknown parameter 'bye' (expected: by=N or to-backup)",
        "POST | /instances/dns0/promote?by=5      | 400 | promote takes no parameters (got: by)",
        "POST | /instances/dns0/rotate?hold=5m    | 400 | rotate takes no parameters (got: hold)",
        "GET  | /instances/dns0/demote            | 405 | GET /instances/dns0/demote (expected: POST)",
        "POST | /status                           | 405 | POST /status (expected: GET)",
        "DELETE | /metrics                        | 405 | DELETE /metrics (expected: GET)",
        "GET  | /reload                           | 405 | GET /reload (expected: POST)",
        "GET  | /nothing                          | 404 | no such endpoint: /nothing (expected: /status, /metrics, /events, /instances/{name}/demote, /instances/{name}/promote, /instances/{name}/rotate, /reload)",
        "POST | /instances/dns0/restart           | 404 | no such endpoint: /instances/dns0/restart (expected: /status, /metrics, /events, /instances/{name}/demote, /instances/{name}/promote, /instances/{name}/rotate, /reload)",
      })
  void errorsAreJsonWithStatusAndReason(String method, String path, int status, String error)
      throws Exception {
    HttpResponse<String> r = send(method, path);
    assertThat(r.statusCode()).isEqualTo(status);
    JsonNode body = json(r);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("error").asString()).isEqualTo(error);
    assertThat(backend.calls).isEmpty();
    if (status == 405) {
      assertThat(r.headers().firstValue("allow")).isPresent();
    }
  }

  @Test
  void aRefusedReloadIs409WithTheReason() throws Exception {
    backend.refuseReload = true;
    HttpResponse<String> r = send("POST", "/reload");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(json(r).get("error").asString()).startsWith("agent.yaml:3:5: unknown key 'prio'");
  }

  @Test
  void aFailingBackendIs500AndTheServerGoesOn() throws Exception {
    backend.statusFailure = new IllegalStateException("engine stopped");
    HttpResponse<String> r = send("GET", "/status");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(json(r).get("error").asString()).contains("engine stopped");
    backend.statusFailure = null;
    assertThat(send("GET", "/status").statusCode()).isEqualTo(200);
  }

  @Test
  void requestsFromWebPagesAreRefused() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/instances/dns0/demote"))
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(backend.calls).isEmpty();
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    byte[] body = new byte[ControlServer.MAX_BODY_BYTES + 1];
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/reload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(backend.calls).isEmpty();
  }

  @Test
  void aRequestLineOverTheLimitIsRefused() throws Exception {
    String longPath = "/status?" + "x".repeat(ControlServer.MAX_REQUEST_LINE_BYTES);
    HttpResponse<String> r = send("GET", longPath);
    assertThat(r.statusCode()).isIn(400, 414, 431);
  }

  @Test
  void eventsAreServerSentEventsUntilTheClientLeaves() throws Exception {
    HttpResponse<Stream<String>> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/events")).GET().build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
    await().atMost(Duration.ofSeconds(5)).until(() -> subscribers.size() == 1);
    subscribers.getFirst().accept("{\"event\":\"state\",\"instance\":\"dns0\",\"to\":\"MASTER\"}");
    subscribers.getFirst().accept("{\"event\":\"check\",\n\"check\":\"resolver\"}");
    Iterator<String> lines = r.body().iterator();
    assertThat(lines.next())
        .isEqualTo("data: {\"event\":\"state\",\"instance\":\"dns0\",\"to\":\"MASTER\"}");
    assertThat(lines.next()).isEmpty();
    assertThat(lines.next()).isEqualTo("data: {\"event\":\"check\", \"check\":\"resolver\"}");
    r.body().close();
    server.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> unsubscribed.get() == 1);
    assertThat(subscribers).isEmpty();
  }

  @Test
  void theUnixSocketServesTheSameApiOwnerAndGroupOnly() throws Exception {
    assertThat(Files.getPosixFilePermissions(socket))
        .isEqualTo(
            java.nio.file.attribute.PosixFilePermissions.fromString(
                ControlServer.UNIX_SOCKET_MODE));
    String response =
        rawUnixRequest(
            socket,
            "POST /instances/dns0/demote?by=7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 200 OK");
    assertThat(backend.calls).containsExactly("demote dns0 By[by=7]");
    server.close();
    assertThat(socket).doesNotExist();
  }

  @Test
  void aStaleSocketIsReplacedButAnyOtherFileIsRefused() throws Exception {
    server.close();
    // The closed server removed its socket; make a stale one (bound, nobody listening).
    try (var ch = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.bind(UnixDomainSocketAddress.of(socket));
    }
    assertThat(socket).exists();
    server = new ControlServer(backend, () -> "", events);
    server.start(new ControlConfig(Optional.empty(), Optional.of(socket)));
    assertThat(
            rawUnixRequest(socket, "GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200 OK");
    server.close();

    Path regular = dir.resolve("agent.yaml");
    Files.writeString(regular, "keep me");
    ControlServer other = new ControlServer(backend, () -> "", events);
    assertThatThrownBy(() -> other.start(new ControlConfig(Optional.empty(), Optional.of(regular))))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage(
            "control API on unix socket "
                + regular
                + ": the path exists and is not a socket (expected: a free path or a stale socket)");
    other.close();
    assertThat(regular).hasContent("keep me");
  }

  @Test
  void aSocketAnotherAgentListensOnIsNotStolen() throws Exception {
    ControlServer other = new ControlServer(backend, () -> "", events);
    assertThatThrownBy(() -> other.start(new ControlConfig(Optional.empty(), Optional.of(socket))))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage(
            "control API on unix socket "
                + socket
                + ": another process is listening on it (expected: one agent per socket)");
    other.close();
    assertThat(
            rawUnixRequest(socket, "GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void aTakenPortIsOneClearLine() {
    int port = base.getPort();
    ControlServer other = new ControlServer(backend, () -> "", events);
    assertThatThrownBy(
            () ->
                other.start(
                    new ControlConfig(
                        Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
                        Optional.empty())))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("control API on 127.0.0.1:" + port + ": cannot listen: ");
    other.close();
  }

  static String rawUnixRequest(Path socket, String request) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buf = ByteBuffer.allocate(65536);
      for (int i = 0; i < 1000 && ch.read(buf) >= 0; i++) {
        // bounded: the server closes after one response (Connection: close)
      }
      return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }
  }
}
