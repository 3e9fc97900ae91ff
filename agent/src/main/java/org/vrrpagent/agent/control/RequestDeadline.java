package org.vrrpagent.agent.control;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The whole-request deadline: from the connect, and again from each complete answer, the client has
 * {@code deadline} to deliver a whole request — request line, headers and body. When it has not, it
 * is answered 408 (JSON) and the connection closed. Unlike an idle timeout this cannot be held off
 * by trickling a header line every few seconds.
 *
 * <p>Sits after the HTTP codec, so it sees the start of each request ({@link HttpRequest}) and its
 * end ({@link LastHttpContent}); answers (a {@link LastHttpContent} written) re-arm it. An event
 * stream disarms it for good ({@link #disarm}).
 */
final class RequestDeadline extends ChannelDuplexHandler {
  static final String NAME = "deadline";

  private final long deadlineNanos;
  private ScheduledFuture<?> timer;
  private boolean inRequest;
  private boolean disarmed;

  RequestDeadline(Duration deadline) {
    this.deadlineNanos = deadline.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      arm(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest) {
      inRequest = true;
    }
    if (msg instanceof LastHttpContent && inRequest) {
      inRequest = false;
      cancel(); // the request is complete: the deadline for the next one starts with this one's
      // answer
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof LastHttpContent && !disarmed) {
      promise = promise.unvoid();
      promise.addListener(
          f -> {
            if (f.isSuccess() && ctx.channel().isActive() && !disarmed) {
              arm(ctx);
            }
          });
    }
    super.write(ctx, msg, promise);
  }

  /** An event stream: no deadline any more (heartbeats keep it checked). */
  static void disarm(ChannelHandlerContext anyCtx) {
    ChannelHandlerContext ctx = anyCtx.pipeline().context(NAME);
    if (ctx != null && ctx.handler() instanceof RequestDeadline d) {
      d.disarmed = true;
      d.cancel();
    }
  }

  private void arm(ChannelHandlerContext ctx) {
    if (disarmed) {
      return;
    }
    cancel();
    timer = ctx.executor().schedule(() -> expired(ctx), deadlineNanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expired(ChannelHandlerContext ctx) {
    timer = null;
    if (!ctx.channel().isActive() || disarmed) {
      return;
    }
    disarmed = true;
    ChannelFuture written =
        ctx.writeAndFlush(
            ControlRequestHandler.errorResponse(
                HttpResponseStatus.REQUEST_TIMEOUT,
                "the request did not arrive whole within "
                    + (deadlineNanos / 1_000_000_000L)
                    + " s (request line, headers and body)",
                true));
    LingeringClose.after(written);
  }
}
