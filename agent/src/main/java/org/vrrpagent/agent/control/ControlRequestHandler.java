package org.vrrpagent.agent.control;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Routes one request to the backend and writes the answer. Every error is a JSON object {@code
 * {"status": 404, "error": "no instance named 'dns9'"}}; successful actions answer {@code {"ok":
 * true, "message": "…"}}.
 *
 * <p>Requests that carry an {@code Origin} header are refused (403): no browser page may drive the
 * agent through the loopback address (a cross-site form POST needs no preflight).
 */
final class ControlRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(ControlRequestHandler.class);
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * What all connections share.
   *
   * @param backendThread where calls into the daemon run (never the event loop); bounded
   * @param backendDeadline how long a request waits for such a call before it is answered 503
   */
  record Shared(
      ControlBackend backend,
      Supplier<String> metricsText,
      EventSource events,
      ChannelGroup channels,
      AtomicInteger eventStreams,
      Executor backendThread,
      Duration backendDeadline) {}

  private final Shared shared;

  ControlRequestHandler(Shared shared) {
    this.shared = shared;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("control API connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      HttpResponseStatus status =
          cause instanceof TooLongFrameException
              ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
              : HttpResponseStatus.BAD_REQUEST;
      sendError(ctx, request, status, "malformed request: " + cause.getMessage(), true);
      return;
    }
    HttpVersion version = request.protocolVersion();
    if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
      sendError(
          ctx,
          request,
          HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
          version.text() + " (expected: HTTP/1.1 or HTTP/1.0)",
          true);
      return;
    }
    if (request.headers().contains(HttpHeaderNames.ORIGIN)) {
      sendError(
          ctx,
          request,
          HttpResponseStatus.FORBIDDEN,
          "requests from web pages (with an Origin header) are refused",
          false);
      return;
    }
    try {
      route(ctx, request);
    } catch (RuntimeException e) {
      log.error("control API: {} {} failed: {}", request.method(), request.uri(), e.toString(), e);
      sendError(
          ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e, false);
    }
  }

  private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    String path;
    try {
      path = query.path();
      query.parameters(); // decoded now: a malformed %-escape is the client's error, not ours
    } catch (IllegalArgumentException e) {
      sendError(
          ctx,
          Answer.of(request),
          HttpResponseStatus.BAD_REQUEST,
          "malformed URL: " + e.getMessage() + " (expected: %-escapes of two hex digits)",
          false);
      return;
    }
    HttpMethod method = request.method();
    List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
    switch (path) {
      case "/status" -> {
        if (allow(ctx, request, HttpMethod.GET)) {
          Answer answer = Answer.of(request);
          callBackend(
              ctx,
              answer,
              () -> shared.backend().status(),
              status -> sendJson(ctx, answer, HttpResponseStatus.OK, status));
        }
        return;
      }
      case "/metrics" -> {
        if (allow(ctx, request, HttpMethod.GET)) {
          Answer answer = Answer.of(request);
          callBackend(
              ctx,
              answer,
              () -> shared.metricsText().get().getBytes(StandardCharsets.UTF_8),
              text -> send(ctx, answer, HttpResponseStatus.OK, PROMETHEUS_TEXT, text));
        }
        return;
      }
      case "/events" -> {
        if (allow(ctx, request, HttpMethod.GET)) {
          startEvents(ctx, request);
        }
        return;
      }
      case "/reload" -> {
        if (allow(ctx, request, HttpMethod.POST)) {
          Answer answer = Answer.of(request);
          callBackend(
              ctx,
              answer,
              () -> shared.backend().reload(),
              result -> sendResult(ctx, answer, result));
        }
        return;
      }
      case "/", "" -> {
        if (allow(ctx, request, HttpMethod.GET)) {
          Map<String, Object> index = new LinkedHashMap<>();
          String version = ControlServer.class.getPackage().getImplementationVersion();
          index.put("version", version == null ? "dev" : version);
          index.put(
              "endpoints",
              List.of(
                  "GET /status",
                  "GET /metrics",
                  "GET /events",
                  "POST /instances/{name}/demote[?by=N|?to-backup]",
                  "POST /instances/{name}/promote",
                  "POST /instances/{name}/rotate",
                  "POST /reload"));
          sendJson(ctx, Answer.of(request), HttpResponseStatus.OK, index);
        }
        return;
      }
      default -> {
        // fall through to /instances/{name}/{action}
      }
    }
    if (parts.size() == 3
        && parts.get(0).equals("instances")
        && (parts.get(2).equals("demote")
            || parts.get(2).equals("promote")
            || parts.get(2).equals("rotate"))) {
      if (!allow(ctx, request, HttpMethod.POST)) {
        return;
      }
      String name = parts.get(1);
      Answer answer = Answer.of(request);
      if (parts.get(2).equals("promote") || parts.get(2).equals("rotate")) {
        String action = parts.get(2);
        if (!query.parameters().isEmpty()) {
          sendError(
              ctx,
              request,
              HttpResponseStatus.BAD_REQUEST,
              action
                  + " takes no parameters (got: "
                  + String.join(", ", query.parameters().keySet())
                  + ")",
              false);
          return;
        }
        callBackend(
            ctx,
            answer,
            () ->
                !known(name)
                    ? ActionResult.unknownInstance(name)
                    : action.equals("rotate")
                        ? shared.backend().rotate(name)
                        : shared.backend().promote(name),
            result -> sendResult(ctx, answer, result));
        return;
      }
      Demotion demotion;
      try {
        demotion = demotion(query.parameters());
      } catch (IllegalArgumentException e) {
        sendError(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage(), false);
        return;
      }
      callBackend(
          ctx,
          answer,
          () ->
              known(name)
                  ? shared.backend().demote(name, demotion)
                  : ActionResult.unknownInstance(name),
          result -> sendResult(ctx, answer, result));
      return;
    }
    sendError(
        ctx,
        request,
        HttpResponseStatus.NOT_FOUND,
        "no such endpoint: "
            + path
            + " (expected: /status, /metrics, /events, /instances/{name}/demote, /instances/{name}/promote, /instances/{name}/rotate, /reload)",
        false);
  }

  private boolean known(String name) {
    return shared.backend().status().instance(name) != null;
  }

  /**
   * Runs {@code call} on the backend thread and hands its result to {@code then} on this
   * connection's event loop; the event loop itself never waits. A full queue, a call that does not
   * return within the deadline, or one that throws, is answered with a JSON error.
   */
  private <T> void callBackend(
      ChannelHandlerContext ctx, Answer answer, Supplier<T> call, Consumer<T> then) {
    CompletableFuture<T> result;
    try {
      result = CompletableFuture.supplyAsync(call, shared.backendThread());
    } catch (RejectedExecutionException e) {
      sendError(
          ctx,
          answer,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          ControlServer.MAX_PENDING_BACKEND_CALLS
              + " requests are waiting for the agent (limit); try again",
          false);
      return;
    }
    result
        .orTimeout(shared.backendDeadline().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (value, failure) -> {
              try {
                ctx.executor()
                    .execute(
                        () -> {
                          if (failure == null) {
                            try {
                              then.accept(value);
                            } catch (RuntimeException e) {
                              internalError(ctx, answer, e);
                            }
                            return;
                          }
                          Throwable cause =
                              failure instanceof CompletionException && failure.getCause() != null
                                  ? failure.getCause()
                                  : failure;
                          if (cause instanceof TimeoutException) {
                            log.warn(
                                "control API: {} {}: the agent did not answer within {} ms",
                                answer.method(),
                                answer.path(),
                                shared.backendDeadline().toMillis());
                            sendError(
                                ctx,
                                answer,
                                HttpResponseStatus.SERVICE_UNAVAILABLE,
                                "the agent did not answer within "
                                    + shared.backendDeadline().toMillis()
                                    + " ms",
                                false);
                          } else {
                            internalError(ctx, answer, cause);
                          }
                        });
              } catch (RejectedExecutionException closing) {
                // the server is closing: the connection goes with it
              }
            });
  }

  private void internalError(ChannelHandlerContext ctx, Answer answer, Throwable e) {
    log.error("control API: {} {} failed: {}", answer.method(), answer.path(), e.toString(), e);
    sendError(ctx, answer, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e, false);
  }

  /**
   * What writing the answer needs from the request, kept apart from it: the request is released as
   * soon as {@link #channelRead0} returns, before an answer from the backend.
   */
  record Answer(HttpVersion version, boolean keepAlive, HttpMethod method, String path) {
    static Answer of(FullHttpRequest request) {
      return new Answer(
          request.protocolVersion(),
          HttpUtil.isKeepAlive(request),
          request.method(),
          pathOf(request.uri()));
    }
  }

  /** The decoded path, or the raw URI up to '?' when it does not decode. */
  private static String pathOf(String uri) {
    try {
      return new QueryStringDecoder(uri).path();
    } catch (IllegalArgumentException e) {
      int q = uri.indexOf('?');
      return q < 0 ? uri : uri.substring(0, q);
    }
  }

  /** {@code ?by=N} (1..254) or {@code ?to-backup}; none means to-backup. */
  static Demotion demotion(Map<String, List<String>> parameters) {
    for (String key : parameters.keySet()) {
      if (!key.equals("by") && !key.equals("to-backup")) {
        throw new IllegalArgumentException(
            "unknown parameter '" + key + "' (expected: by=N or to-backup)");
      }
    }
    boolean toBackup = parameters.containsKey("to-backup");
    List<String> by = parameters.get("by");
    if (toBackup && by != null) {
      throw new IllegalArgumentException("by and to-backup together (expected: one of them)");
    }
    if (by == null) {
      if (toBackup && !parameters.get("to-backup").stream().allMatch(String::isEmpty)) {
        throw new IllegalArgumentException(
            "to-backup takes no value (got: to-backup="
                + parameters.get("to-backup").getFirst()
                + ")");
      }
      return new Demotion.ToBackup();
    }
    if (by.size() != 1) {
      throw new IllegalArgumentException("by given " + by.size() + " times (expected: once)");
    }
    int n;
    try {
      n = Integer.parseInt(by.getFirst());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "by=" + by.getFirst() + " (expected: a number 1.." + Demotion.MAX_BY + ")");
    }
    return new Demotion.By(n);
  }

  private boolean allow(ChannelHandlerContext ctx, FullHttpRequest request, HttpMethod allowed) {
    if (request.method().equals(allowed)) {
      return true;
    }
    FullHttpResponse response =
        errorResponse(
            HttpResponseStatus.METHOD_NOT_ALLOWED,
            request.method() + " " + pathOf(request.uri()) + " (expected: " + allowed + ")",
            false);
    response.headers().set(HttpHeaderNames.ALLOW, allowed.name());
    write(ctx, Answer.of(request), response, false);
    return false;
  }

  private void startEvents(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (shared.eventStreams().incrementAndGet() > ControlServer.MAX_EVENT_STREAMS) {
      shared.eventStreams().decrementAndGet();
      sendError(
          ctx,
          request,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          ControlServer.MAX_EVENT_STREAMS + " event streams already open (limit)",
          true);
      return;
    }
    Channel ch = ctx.channel();
    RequestDeadline.disarm(ctx);
    ch.pipeline().remove("aggregate");
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    HttpUtil.setTransferEncodingChunked(head, true);
    ch.writeAndFlush(head);
    SseClient stream = new SseClient(ch);
    AutoCloseable subscription;
    try {
      subscription = shared.events().subscribe(stream::send);
    } catch (RuntimeException e) {
      shared.eventStreams().decrementAndGet();
      throw e;
    }
    var heartbeat =
        ch.eventLoop()
            .scheduleAtFixedRate(
                stream::heartbeat,
                ControlServer.EVENT_HEARTBEAT.toMillis(),
                ControlServer.EVENT_HEARTBEAT.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    ch.closeFuture()
        .addListener(
            f -> {
              heartbeat.cancel(false);
              shared.eventStreams().decrementAndGet();
              try {
                subscription.close();
              } catch (Exception e) {
                log.warn("control API: closing an event subscription failed: {}", e.toString());
              }
            });
  }

  private void sendResult(ChannelHandlerContext ctx, Answer answer, ActionResult result) {
    if (result.outcome() == ActionResult.Outcome.DONE) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("ok", true);
      body.put("message", result.message());
      sendJson(ctx, answer, HttpResponseStatus.OK, body);
    } else {
      sendError(
          ctx,
          answer,
          HttpResponseStatus.valueOf(result.outcome().httpStatus()),
          result.message(),
          false);
    }
  }

  private void sendJson(
      ChannelHandlerContext ctx, Answer answer, HttpResponseStatus status, Object body) {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    send(ctx, answer, status, "application/json", bytes);
  }

  private void send(
      ChannelHandlerContext ctx,
      Answer answer,
      HttpResponseStatus status,
      String type,
      byte[] body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    write(ctx, answer, response, false);
  }

  private void sendError(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String error,
      boolean close) {
    sendError(ctx, Answer.of(request), status, error, close);
  }

  private void sendError(
      ChannelHandlerContext ctx,
      Answer answer,
      HttpResponseStatus status,
      String error,
      boolean close) {
    write(ctx, answer, errorResponse(status, error, false), close);
  }

  /**
   * {@code {"status": 404, "error": "…"}} with its Content-Length; with {@code close}, also {@code
   * Connection: close} (the caller closes after writing).
   */
  static FullHttpResponse errorResponse(HttpResponseStatus status, String error, boolean close) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status.code());
    body.put("error", error);
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    HttpUtil.setContentLength(response, bytes.length);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  private static void write(
      ChannelHandlerContext ctx, Answer answer, FullHttpResponse response, boolean close) {
    ByteBuf content = response.content();
    HttpUtil.setContentLength(response, content.readableBytes());
    boolean keepAlive = !close && answer.keepAlive();
    if (keepAlive) {
      if (answer.version().equals(HttpVersion.HTTP_1_0)) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture f = ctx.writeAndFlush(response);
    if (!keepAlive) {
      LingeringClose.after(f);
    }
  }
}
