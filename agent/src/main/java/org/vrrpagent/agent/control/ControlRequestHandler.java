package org.vrrpagent.agent.control;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
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
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Routes one request to the backend and writes the answer. Every error is a JSON object
 * {@code {"status": 404, "error": "no instance named 'dns9'"}}; successful actions answer
 * {@code {"ok": true, "message": "…"}}.
 *
 * <p>Requests that carry an {@code Origin} header are refused (403): no browser page may
 * drive the agent through the loopback address (a cross-site form POST needs no preflight).
 */
final class ControlRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(ControlRequestHandler.class);
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** What all connections share. */
  record Shared(ControlBackend backend, Supplier<String> metricsText, EventSource events, ChannelGroup channels,
                AtomicInteger eventStreams) {
    Shared(ControlBackend backend, Supplier<String> metricsText, EventSource events, ChannelGroup channels) {
      this(backend, metricsText, events, channels, new AtomicInteger());
    }
  }

  private final Shared shared;

  ControlRequestHandler(Shared shared) {
    this.shared = shared;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (shared.channels().size() >= ControlServer.MAX_CONNECTIONS) {
      log.warn("control API: refused a connection: {} already open (limit)", ControlServer.MAX_CONNECTIONS);
      ctx.close();
      return;
    }
    shared.channels().add(ctx.channel());
    super.channelActive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
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
      HttpResponseStatus status = cause instanceof TooLongFrameException
          ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
      sendError(ctx, request, status, "malformed request: " + cause.getMessage(), true);
      return;
    }
    if (request.headers().contains(HttpHeaderNames.ORIGIN)) {
      sendError(ctx, request, HttpResponseStatus.FORBIDDEN,
          "requests from web pages (with an Origin header) are refused", false);
      return;
    }
    try {
      route(ctx, request);
    } catch (RuntimeException e) {
      log.error("control API: {} {} failed: {}", request.method(), request.uri(), e.toString(), e);
      sendError(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e, false);
    }
  }

  private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    String path = query.path();
    HttpMethod method = request.method();
    List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
    switch (path) {
      case "/status" -> {
        if (allow(ctx, request, HttpMethod.GET)) {
          sendJson(ctx, request, HttpResponseStatus.OK, shared.backend().status());
        }
        return;
      }
      case "/metrics" -> {
        if (allow(ctx, request, HttpMethod.GET)) {
          send(ctx, request, HttpResponseStatus.OK, PROMETHEUS_TEXT,
              shared.metricsText().get().getBytes(StandardCharsets.UTF_8));
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
          sendResult(ctx, request, shared.backend().reload());
        }
        return;
      }
      case "/", "" -> {
        if (allow(ctx, request, HttpMethod.GET)) {
          Map<String, Object> index = new LinkedHashMap<>();
          String version = ControlServer.class.getPackage().getImplementationVersion();
          index.put("version", version == null ? "dev" : version);
          index.put("endpoints", List.of("GET /status", "GET /metrics", "GET /events",
              "POST /instances/{name}/demote[?by=N|?to-backup]", "POST /instances/{name}/promote", "POST /reload"));
          sendJson(ctx, request, HttpResponseStatus.OK, index);
        }
        return;
      }
      default -> {
        // fall through to /instances/{name}/{action}
      }
    }
    if (parts.size() == 3 && parts.get(0).equals("instances")
        && (parts.get(2).equals("demote") || parts.get(2).equals("promote"))) {
      if (!allow(ctx, request, HttpMethod.POST)) {
        return;
      }
      String name = parts.get(1);
      if (shared.backend().status().instance(name) == null) {
        sendResult(ctx, request, ActionResult.unknownInstance(name));
        return;
      }
      if (parts.get(2).equals("promote")) {
        if (!query.parameters().isEmpty()) {
          sendError(ctx, request, HttpResponseStatus.BAD_REQUEST,
              "promote takes no parameters (got: " + String.join(", ", query.parameters().keySet()) + ")", false);
          return;
        }
        sendResult(ctx, request, shared.backend().promote(name));
        return;
      }
      Demotion demotion;
      try {
        demotion = demotion(query.parameters());
      } catch (IllegalArgumentException e) {
        sendError(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage(), false);
        return;
      }
      sendResult(ctx, request, shared.backend().demote(name, demotion));
      return;
    }
    sendError(ctx, request, HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path
        + " (expected: /status, /metrics, /events, /instances/{name}/demote, /instances/{name}/promote, /reload)", false);
  }

  /** {@code ?by=N} (1..254) or {@code ?to-backup}; none means to-backup. */
  static Demotion demotion(Map<String, List<String>> parameters) {
    for (String key : parameters.keySet()) {
      if (!key.equals("by") && !key.equals("to-backup")) {
        throw new IllegalArgumentException("unknown parameter '" + key + "' (expected: by=N or to-backup)");
      }
    }
    boolean toBackup = parameters.containsKey("to-backup");
    List<String> by = parameters.get("by");
    if (toBackup && by != null) {
      throw new IllegalArgumentException("by and to-backup together (expected: one of them)");
    }
    if (by == null) {
      if (toBackup && !parameters.get("to-backup").stream().allMatch(String::isEmpty)) {
        throw new IllegalArgumentException("to-backup takes no value (got: to-backup="
            + parameters.get("to-backup").getFirst() + ")");
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
      throw new IllegalArgumentException("by=" + by.getFirst() + " (expected: a number 1.." + Demotion.MAX_BY + ")");
    }
    return new Demotion.By(n);
  }

  private boolean allow(ChannelHandlerContext ctx, FullHttpRequest request, HttpMethod allowed) {
    if (request.method().equals(allowed)) {
      return true;
    }
    FullHttpResponse response = errorResponse(HttpResponseStatus.METHOD_NOT_ALLOWED,
        request.method() + " " + new QueryStringDecoder(request.uri()).path() + " (expected: " + allowed + ")");
    response.headers().set(HttpHeaderNames.ALLOW, allowed.name());
    write(ctx, request, response, false);
    return false;
  }

  private void startEvents(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (shared.eventStreams().incrementAndGet() > ControlServer.MAX_EVENT_STREAMS) {
      shared.eventStreams().decrementAndGet();
      sendError(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
          ControlServer.MAX_EVENT_STREAMS + " event streams already open (limit)", true);
      return;
    }
    Channel ch = ctx.channel();
    ch.pipeline().remove("idle");
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
    var heartbeat = ch.eventLoop().scheduleAtFixedRate(stream::heartbeat,
        ControlServer.EVENT_HEARTBEAT.toMillis(), ControlServer.EVENT_HEARTBEAT.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    ch.closeFuture().addListener(f -> {
      heartbeat.cancel(false);
      shared.eventStreams().decrementAndGet();
      try {
        subscription.close();
      } catch (Exception e) {
        log.warn("control API: closing an event subscription failed: {}", e.toString());
      }
    });
  }

  private void sendResult(ChannelHandlerContext ctx, FullHttpRequest request, ActionResult result) {
    if (result.outcome() == ActionResult.Outcome.DONE) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("ok", true);
      body.put("message", result.message());
      sendJson(ctx, request, HttpResponseStatus.OK, body);
    } else {
      sendError(ctx, request, HttpResponseStatus.valueOf(result.outcome().httpStatus()), result.message(), false);
    }
  }

  private void sendJson(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, Object body) {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    send(ctx, request, status, "application/json", bytes);
  }

  private void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String type,
                    byte[] body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    write(ctx, request, response, false);
  }

  private void sendError(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String error,
                         boolean close) {
    write(ctx, request, errorResponse(status, error), close);
  }

  private static FullHttpResponse errorResponse(HttpResponseStatus status, String error) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status.code());
    body.put("error", error);
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    return response;
  }

  private static void write(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
                            boolean close) {
    ByteBuf content = response.content();
    HttpUtil.setContentLength(response, content.readableBytes());
    boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
    if (keepAlive) {
      if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture f = ctx.writeAndFlush(response);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
