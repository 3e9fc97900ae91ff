package org.vrrpagent.checks.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.base.HostPort;
import org.vrrpagent.checks.HttpProbeSpec;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;

/**
 * The {@code http} probe: one HTTP/1.1 request with {@code Connection: close} on the shared Netty
 * event loop. Reads the status, headers (at most {@link HttpProbeSpec#MAX_HEADER_BYTES}) and at
 * most {@code max-body-bytes} of the body, then closes. Name resolution, when the URL has a host
 * name and no {@code connect-to}, runs on a virtual thread.
 */
final class HttpProbe implements Probe {
  private final HttpProbeSpec spec;
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelClass;
  private final ExecutorService virtualThreads;
  private final SslContext ssl;
  private final Pattern bodyPattern;
  private final String expectedStatus;
  private final String pathAndQuery;
  private final String hostHeader;

  HttpProbe(
      HttpProbeSpec spec,
      EventLoopGroup group,
      Class<? extends SocketChannel> channelClass,
      ExecutorService virtualThreads) {
    this.spec = spec;
    this.group = group;
    this.channelClass = channelClass;
    this.virtualThreads = virtualThreads;
    this.ssl = spec.https() ? TlsTrust.clientContext(spec) : null;
    this.bodyPattern = spec.bodyPattern();
    this.expectedStatus = String.join(", ", spec.expectStatus());
    URI u = spec.uri();
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    this.pathAndQuery = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    String h = spec.requestHost();
    String hostPart = h.contains(":") ? "[" + h + "]" : h;
    boolean defaultPort = spec.port() == (spec.https() ? 443 : 80);
    this.hostHeader = defaultPort ? hostPart : hostPart + ":" + spec.port();
  }

  @Override
  public CompletionStage<ProbeResult> run(Duration timeout) {
    long start = System.nanoTime();
    return address()
        .thenCompose(
            addr ->
                addr == null
                    ? CompletableFuture.completedFuture(
                        ProbeResult.down(
                            "HTTP: "
                                + spec.uri().getHost()
                                + " has no "
                                + (spec.family().equals("ipv4") ? "IPv4" : "IPv6")
                                + " address",
                            System.nanoTime() - start))
                    : request(new InetSocketAddress(addr, spec.port()), timeout, start))
        .exceptionally(
            e ->
                ProbeResult.down(
                    "HTTP: " + NettyErrors.describe(e.getCause() != null ? e.getCause() : e),
                    System.nanoTime() - start));
  }

  private CompletableFuture<InetAddress> address() {
    if (spec.connectTo() != null) {
      return CompletableFuture.completedFuture(pick(new InetAddress[] {literal(spec.connectTo())}));
    }
    String host = spec.uri().getHost();
    if (host.startsWith("[") || host.matches("[0-9.]+") && isLiteral(host)) {
      return CompletableFuture.completedFuture(pick(new InetAddress[] {literal(host)}));
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return pick(InetAddress.getAllByName(host));
          } catch (java.net.UnknownHostException e) {
            throw new java.util.concurrent.CompletionException(
                new java.net.UnknownHostException("cannot resolve " + host));
          }
        },
        virtualThreads);
  }

  private static InetAddress literal(String s) {
    return InetAddress.ofLiteral(
        s.startsWith("[") ? s.substring(1, s.length() - 1) : s); // never a lookup
  }

  private static boolean isLiteral(String host) {
    try {
      InetAddress.ofLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private InetAddress pick(InetAddress[] all) {
    return Arrays.stream(all)
        .filter(
            a ->
                spec.family().equals("any")
                    || spec.family().equals("ipv4") && a instanceof Inet4Address
                    || spec.family().equals("ipv6") && a instanceof Inet6Address)
        .findFirst()
        .orElse(null);
  }

  private CompletableFuture<ProbeResult> request(
      InetSocketAddress target, Duration timeout, long start) {
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    Exchange exchange = new Exchange(result, start);
    String where = HostPort.of(target.getAddress(), spec.port());
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (ssl != null) {
                      SslHandler h = ssl.newHandler(ch.alloc(), spec.requestHost(), spec.port());
                      h.setHandshakeTimeoutMillis(Math.max(1, timeout.toMillis()));
                      ch.pipeline().addLast(h);
                      h.handshakeFuture()
                          .addListener(
                              f -> {
                                if (f.isSuccess()) {
                                  Certificate[] chain =
                                      h.engine().getSession().getPeerCertificates();
                                  if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
                                    exchange.notAfter = x.getNotAfter().toInstant();
                                  }
                                }
                              });
                    }
                    ch.pipeline()
                        .addLast(new HttpClientCodec(4096, HttpProbeSpec.MAX_HEADER_BYTES, 8192));
                    ch.pipeline().addLast(exchange);
                  }
                });
    b.connect(target)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    result.complete(
                        ProbeResult.down(
                            "HTTP connect " + where + ": " + NettyErrors.describe(f.cause()),
                            System.nanoTime() - start));
                    return;
                  }
                  Channel ch = f.channel();
                  var timer =
                      ch.eventLoop()
                          .schedule(
                              () ->
                                  exchange.finish(
                                      ch,
                                      ProbeResult.down(
                                          "HTTP: timed out after "
                                              + DurationText.of(timeout)
                                              + exchange.progress(),
                                          System.nanoTime() - start)),
                              timeout.toNanos(),
                              TimeUnit.NANOSECONDS);
                  result.whenComplete((r, e) -> timer.cancel(false));
                  var req =
                      new DefaultFullHttpRequest(
                          HttpVersion.HTTP_1_1, HttpMethod.valueOf(spec.method()), pathAndQuery);
                  req.headers()
                      .set(HttpHeaderNames.HOST, hostHeader)
                      .set(HttpHeaderNames.USER_AGENT, "vrrp-agent-check")
                      .set(HttpHeaderNames.ACCEPT, "*/*")
                      .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                      .set(HttpHeaderNames.CONTENT_LENGTH, 0);
                  ch.writeAndFlush(req);
                });
    return result;
  }

  /** One request/response; lives on one channel's event loop thread. */
  private final class Exchange extends SimpleChannelInboundHandler<HttpObject> {
    final CompletableFuture<ProbeResult> result;
    final long start;
    volatile Instant notAfter;
    int status = -1;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Exchange(CompletableFuture<ProbeResult> result, long start) {
      this.result = result;
      this.start = start;
    }

    String progress() {
      return status < 0
          ? " waiting for the response"
          : " reading the body (status " + status + ", " + body.size() + " bytes)";
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse r) {
        if (r.decoderResult().isFailure()) {
          finish(
              ctx.channel(),
              ProbeResult.down(
                  "HTTP: bad response (" + r.decoderResult().cause().getMessage() + ")",
                  System.nanoTime() - start));
          return;
        }
        status = r.status().code();
        if (!spec.statusExpected(status)) {
          finish(
              ctx.channel(),
              ProbeResult.down(
                  "HTTP " + status + " (expected: " + expectedStatus + ")",
                  System.nanoTime() - start));
          return;
        }
        if (spec.bodyContains() == null && bodyPattern == null) {
          finish(ctx.channel(), judge());
          return;
        }
      }
      if (msg instanceof HttpContent c) {
        ByteBuf buf = c.content();
        int room = spec.maxBodyBytes() - body.size();
        int take = Math.min(room, buf.readableBytes());
        if (take > 0) {
          byte[] bytes = new byte[take];
          buf.getBytes(buf.readerIndex(), bytes);
          body.write(bytes, 0, take);
        }
        if (msg instanceof LastHttpContent || body.size() >= spec.maxBodyBytes()) {
          finish(ctx.channel(), judge());
        }
      }
    }

    private ProbeResult judge() {
      long latency = System.nanoTime() - start;
      String text = body.toString(StandardCharsets.UTF_8);
      ProbeResult r;
      if (spec.bodyContains() != null && !text.contains(spec.bodyContains())) {
        r =
            ProbeResult.down(
                "HTTP "
                    + status
                    + ": body does not contain \""
                    + spec.bodyContains()
                    + "\" (read "
                    + body.size()
                    + " bytes)",
                latency);
      } else if (bodyPattern != null && !bodyPattern.matcher(text).find()) {
        r =
            ProbeResult.down(
                "HTTP "
                    + status
                    + ": body does not match "
                    + bodyPattern
                    + " (read "
                    + body.size()
                    + " bytes)",
                latency);
      } else {
        r = ProbeResult.up("HTTP " + status, latency);
      }
      return certificate(r);
    }

    private ProbeResult certificate(ProbeResult r) {
      Instant na = notAfter;
      if (na == null) {
        return r;
      }
      ProbeResult withCert = r.withCertificateNotAfter(na);
      Duration left = Duration.between(Instant.now(), na);
      if (left.isNegative()) {
        return withCert.withWarning(
            "certificate for "
                + spec.requestHost()
                + " expired "
                + na.truncatedTo(ChronoUnit.SECONDS));
      }
      if (!spec.certExpiryWarning().isZero() && left.compareTo(spec.certExpiryWarning()) < 0) {
        return withCert.withWarning(
            "certificate for "
                + spec.requestHost()
                + " expires in "
                + left.toDays()
                + "d ("
                + na.truncatedTo(ChronoUnit.SECONDS)
                + ")");
      }
      return withCert;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      finish(
          ctx.channel(),
          status < 0
              ? ProbeResult.down(
                  "HTTP: connection closed before a response", System.nanoTime() - start)
              : judge());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
        finish(
            ctx.channel(),
            ProbeResult.down(
                "HTTP: response headers over " + HttpProbeSpec.MAX_HEADER_BYTES + " bytes",
                System.nanoTime() - start));
        return;
      }
      finish(
          ctx.channel(),
          ProbeResult.down("HTTP: " + NettyErrors.describe(cause), System.nanoTime() - start));
    }

    void finish(Channel ch, ProbeResult r) {
      if (result.complete(r)) {
        ch.close();
      }
    }
  }
}
