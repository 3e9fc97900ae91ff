package org.vrrpagent.checks.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.TcpProbeSpec;

/**
 * The {@code tcp} probe on the shared Netty event loop: connect, send, read until the regex
 * matches.
 */
final class TcpProbe implements Probe {
  private final TcpProbeSpec spec;
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelClass;
  private final InetSocketAddress address;
  private final java.util.concurrent.ExecutorService virtualThreads;
  private final Pattern expect;
  private final byte[] send;
  private final String label;

  TcpProbe(
      TcpProbeSpec spec,
      EventLoopGroup group,
      Class<? extends SocketChannel> channelClass,
      java.util.concurrent.ExecutorService virtualThreads) {
    this.virtualThreads = virtualThreads;
    this.spec = spec;
    this.group = group;
    this.channelClass = channelClass;
    this.address = spec.socketAddress();
    this.expect = spec.expectPattern();
    this.send = spec.sendText().getBytes(StandardCharsets.ISO_8859_1);
    this.label = "TCP " + spec.label();
  }

  @Override
  public CompletionStage<ProbeResult> run(Duration timeout) {
    long start = System.nanoTime();
    if (!address.isUnresolved()) {
      return connect(address, timeout, start);
    }
    // a host name: resolve on a virtual thread (the JDK resolver blocks), never on the event loop
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return new InetSocketAddress(
                    java.net.InetAddress.getByName(address.getHostString()), address.getPort());
              } catch (java.net.UnknownHostException e) {
                return null;
              }
            },
            virtualThreads)
        .thenCompose(
            a ->
                a == null
                    ? CompletableFuture.completedFuture(
                        ProbeResult.down(
                            label + ": cannot resolve " + address.getHostString(),
                            System.nanoTime() - start))
                    : connect(a, timeout, start));
  }

  private CompletableFuture<ProbeResult> connect(
      InetSocketAddress target, Duration timeout, long start) {
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    StringBuilder received = new StringBuilder();
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
            .option(ChannelOption.AUTO_READ, true)
            .handler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelActive(ChannelHandlerContext ctx) {
                    if (send.length > 0) {
                      ctx.writeAndFlush(Unpooled.wrappedBuffer(send));
                    }
                    if (expect == null) {
                      finish(
                          ctx.channel(),
                          result,
                          ProbeResult.up(label + ": connected", System.nanoTime() - start));
                    }
                  }

                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    try {
                      int room = spec.expectWithin() - received.length();
                      received.append(
                          buf.toString(
                              buf.readerIndex(),
                              Math.min(room, buf.readableBytes()),
                              StandardCharsets.ISO_8859_1));
                    } finally {
                      buf.release();
                    }
                    Matcher m = expect.matcher(received);
                    if (m.find()) {
                      finish(
                          ctx.channel(),
                          result,
                          ProbeResult.up(
                              label + ": got \"" + excerpt(lineAround(received, m.start())) + "\"",
                              System.nanoTime() - start));
                    } else if (received.length() >= spec.expectWithin()) {
                      finish(
                          ctx.channel(),
                          result,
                          ProbeResult.down(
                              label
                                  + ": no match for "
                                  + expect
                                  + " in the first "
                                  + spec.expectWithin()
                                  + " bytes (got: \""
                                  + excerpt(received)
                                  + "\")",
                              System.nanoTime() - start));
                    }
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    finish(
                        ctx.channel(),
                        result,
                        ProbeResult.down(
                            label
                                + ": closed after "
                                + received.length()
                                + " bytes without a match for "
                                + expect
                                + " (got: \""
                                + excerpt(received)
                                + "\")",
                            System.nanoTime() - start));
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    finish(
                        ctx.channel(),
                        result,
                        ProbeResult.down(
                            label + ": " + NettyErrors.describe(cause), System.nanoTime() - start));
                  }
                });
    b.connect(target)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    result.complete(
                        ProbeResult.down(
                            label + ": " + NettyErrors.describe(f.cause()),
                            System.nanoTime() - start));
                    return;
                  }
                  Channel ch = f.channel();
                  var timer =
                      ch.eventLoop()
                          .schedule(
                              () ->
                                  finish(
                                      ch,
                                      result,
                                      ProbeResult.down(
                                          label
                                              + ": timed out after "
                                              + DurationText.of(timeout)
                                              + (expect != null
                                                  ? " waiting for "
                                                      + expect
                                                      + " (got: \""
                                                      + excerpt(received)
                                                      + "\")"
                                                  : ""),
                                          System.nanoTime() - start)),
                              timeout.toNanos(),
                              TimeUnit.NANOSECONDS);
                  result.whenComplete((r, e) -> timer.cancel(false));
                });
    return result;
  }

  private static void finish(Channel ch, CompletableFuture<ProbeResult> result, ProbeResult r) {
    if (result.complete(r)) {
      ch.close();
    }
  }

  private static CharSequence lineAround(CharSequence s, int at) {
    int from = at;
    while (from > 0 && s.charAt(from - 1) != '\n') {
      from--;
    }
    int to = at;
    while (to < s.length() && s.charAt(to) != '\n' && s.charAt(to) != '\r') {
      to++;
    }
    return s.subSequence(from, to);
  }

  static String excerpt(CharSequence s) {
    String t = s.toString().replace("\r", "\\r").replace("\n", "\\n");
    return t.length() > 80 ? t.substring(0, 79) + "…" : t;
  }
}
