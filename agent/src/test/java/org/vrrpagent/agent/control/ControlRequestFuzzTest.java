package org.vrrpagent.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jazzer on the control API's request handling: any bytes, cut into any pieces, sent to one
 * connection's pipeline exactly as the server builds it ({@link ControlServer#initPipeline}) with a
 * backend that answers at once. Whatever arrives, nothing escapes the pipeline, and every answer is
 * well-formed HTTP/1.1: a known status, a Content-Length that matches, and for every error a JSON
 * body {@code {"status": N, "error": "…"}} with the same N. Replays its corpus as a normal test;
 * fuzzes with JAZZER_FUZZ=1.
 */
class ControlRequestFuzzTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @FuzzTest(maxDuration = "60s")
  void everyAnswerIsWellFormed(FuzzedDataProvider data) {
    FakeBackend backend = new FakeBackend();
    ControlRequestHandler.Shared shared =
        new ControlRequestHandler.Shared(
            backend,
            () -> "x 1\n",
            consumer -> () -> {},
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
            new AtomicInteger(),
            Runnable::run,
            Duration.ofSeconds(5));
    EmbeddedChannel server = new EmbeddedChannel();
    ControlServer.initPipeline(server.pipeline(), shared);
    // The client side only decodes; a server that closes mid-answer (an event stream) is fine.
    EmbeddedChannel client =
        new EmbeddedChannel(
            new HttpResponseDecoder(),
            new HttpObjectAggregator(1 << 20),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // a truncated answer at close: nothing to check
              }
            });
    StringBuilder sent = new StringBuilder();
    try {
      int pieces = data.consumeInt(1, 8);
      for (int i = 0; i < pieces && server.isOpen(); i++) {
        byte[] piece =
            i == pieces - 1
                ? data.consumeRemainingAsBytes()
                : data.consumeBytes(data.consumeInt(0, 600));
        sent.append(new String(piece, StandardCharsets.ISO_8859_1));
        server.writeInbound(Unpooled.wrappedBuffer(piece));
        server.runPendingTasks();
        server.checkException(); // nothing reached the end of the pipeline unhandled
        // An answer to HEAD carries no body although its Content-Length says how long it would
        // be; a plain response decoder cannot know that, so such runs only check the server.
        drain(server, client, !sent.toString().toUpperCase(java.util.Locale.ROOT).contains("HEAD"));
      }
    } finally {
      server.finishAndReleaseAll();
      client.finishAndReleaseAll();
    }
  }

  /** Moves what the server wrote into the client's decoder and checks each whole answer. */
  private static void drain(EmbeddedChannel server, EmbeddedChannel client, boolean check) {
    for (Object out = server.readOutbound(); out != null; out = server.readOutbound()) {
      client.writeInbound(out instanceof ByteBuf b ? b : Unpooled.EMPTY_BUFFER);
      if (!(out instanceof ByteBuf)) {
        ReferenceCountUtil.release(out);
      }
    }
    for (Object in = client.readInbound(); in != null; in = client.readInbound()) {
      try {
        if (check) {
          check((FullHttpResponse) in);
        }
      } finally {
        ReferenceCountUtil.release(in);
      }
    }
  }

  private static void check(FullHttpResponse r) {
    assertThat(r.decoderResult().isSuccess()).as("answer decodes: %s", r.decoderResult()).isTrue();
    assertThat(r.protocolVersion().text()).isEqualTo("HTTP/1.1");
    int code = r.status().code();
    if (code == 100) {
      return; // "100 Continue" before the body of a request with Expect: 100-continue
    }
    assertThat(code).isIn(200, 400, 403, 404, 405, 408, 409, 413, 417, 431, 500, 503, 505);
    assertThat(r.headers().getInt("content-length")).isEqualTo(r.content().readableBytes());
    if (code >= 400) {
      assertThat(code).as("no backend failure is simulated").isNotIn(500, 503);
      assertThat(r.headers().get("content-type")).isEqualTo("application/json");
      JsonNode body = JSON.readTree(r.content().toString(StandardCharsets.UTF_8));
      assertThat(body.get("status").asInt()).isEqualTo(code);
      assertThat(body.get("error").asString()).isNotBlank();
    }
  }
}
