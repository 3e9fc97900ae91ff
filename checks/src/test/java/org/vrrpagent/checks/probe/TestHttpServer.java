package org.vrrpagent.checks.probe;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP(S) server on 127.0.0.1 for probe tests. Paths: {@code /ok} 200 "Welcome to HOST",
 * {@code /503}, {@code /slow} (answers after 3 s), {@code /big} (1 MiB of 'a' then "END"), {@code
 * /headers} (a 20 KB header).
 */
public final class TestHttpServer implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  public final int port;

  /**
   * @param certificate the server's certificate (HTTPS), or null for plain HTTP
   */
  public TestHttpServer(X509Bundle certificate) throws Exception {
    SslContext ssl =
        certificate == null
            ? null
            : SslContextBuilder.forServer(
                    certificate.getKeyPair().getPrivate(), certificate.getCertificatePath())
                .build();
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (ssl != null) {
                      ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(), new HttpObjectAggregator(65536), new Handler());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    port = ((InetSocketAddress) channel.localAddress()).getPort();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String host = req.headers().get(HttpHeaderNames.HOST, "");
      switch (req.uri()) {
        case "/ok" -> send(ctx, HttpResponseStatus.OK, "<h1>Welcome to " + host + "</h1>\n");
        case "/503" -> send(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "maintenance\n");
        case "/slow" ->
            ctx.executor()
                .schedule(() -> send(ctx, HttpResponseStatus.OK, "late\n"), 3, TimeUnit.SECONDS);
        case "/big" -> send(ctx, HttpResponseStatus.OK, "a".repeat(1 << 20) + "END");
        case "/headers" -> {
          var resp =
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
          resp.headers().set("X-Big", "h".repeat(20_000)).set(HttpHeaderNames.CONTENT_LENGTH, 0);
          ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
        default -> send(ctx, HttpResponseStatus.NOT_FOUND, "no\n");
      }
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
      var resp =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes());
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
