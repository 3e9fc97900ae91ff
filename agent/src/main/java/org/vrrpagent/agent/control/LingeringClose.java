package org.vrrpagent.agent.control;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closing after a final answer (413, 408, 505, a malformed request) without losing that answer:
 * closing a socket with unread input makes the kernel send a reset, which can destroy the answer in
 * the client's buffer before it reads it. So, as web servers do, the answer is followed by a FIN
 * (output shut down), and what the client still sends is read and discarded — at most {@link
 * #MAX_DISCARD_BYTES} and for at most {@link #LINGER} — before the close. The rest of an oversized
 * body is never read.
 */
final class LingeringClose {
  static final Duration LINGER = Duration.ofSeconds(1);
  static final int MAX_DISCARD_BYTES = 64 * 1024;

  private LingeringClose() {}

  /** Once {@code written} completes: FIN, discard for a bounded while, close. */
  static void after(ChannelFuture written) {
    written.addListener(
        f -> {
          Channel ch = written.channel();
          if (!(ch instanceof DuplexChannel duplex) || !ch.isActive()) {
            ch.close();
            return;
          }
          ChannelPipeline p = ch.pipeline();
          while (p.last() != null) {
            p.removeLast();
          }
          p.addLast(new Discard());
          ch.eventLoop()
              .schedule(
                  () -> {
                    ch.close();
                  },
                  LINGER.toMillis(),
                  TimeUnit.MILLISECONDS);
          duplex.shutdownOutput();
          ch.config().setAutoRead(true);
          ch.read();
        });
  }

  private static final class Discard extends ChannelInboundHandlerAdapter {
    private long discarded;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        discarded += b.readableBytes();
      }
      ReferenceCountUtil.release(msg);
      if (discarded > MAX_DISCARD_BYTES) {
        ctx.close();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent
          || evt instanceof io.netty.channel.socket.ChannelInputShutdownReadComplete) {
        ctx.close(); // the client is done too
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
