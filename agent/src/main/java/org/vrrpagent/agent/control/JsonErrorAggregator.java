package org.vrrpagent.agent.control;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Netty's aggregator, with its refusals as the API's JSON errors: a body over the limit is answered
 * 413 with a JSON body and the connection is closed at once — the rest of the body is never read
 * (Netty's default answers an empty 413 and then reads and discards it all).
 */
final class JsonErrorAggregator extends HttpObjectAggregator {
  private final int maxBodyBytes;

  JsonErrorAggregator(int maxBodyBytes) {
    super(maxBodyBytes, true);
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    ctx.channel().config().setAutoRead(false); // not one more byte of the body into the codec
    LingeringClose.after(ctx.writeAndFlush(tooLarge()));
  }

  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
    if (answer instanceof FullHttpResponse r && r.status().code() >= 400) {
      HttpResponseStatus status = r.status();
      r.release();
      return status.code() == 413
          ? tooLarge()
          : ControlRequestHandler.errorResponse(
              status, "unsupported expectation: " + start.headers().get("expect"), true);
    }
    return answer;
  }

  private FullHttpResponse tooLarge() {
    return ControlRequestHandler.errorResponse(
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "a body over " + maxBodyBytes + " bytes (no endpoint takes a body)",
        true);
  }
}
