package org.vrrpagent.agent.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/1.1 request over the agent's unix socket (the JDK's HttpClient speaks TCP only). The
 * request says {@code Connection: close}, so the answer is everything up to EOF; the control server
 * always sends {@code Content-Length} bodies on this path.
 */
public final class UnixHttpExchange {
  /** Longest answer read; a status of a very large agent is a few hundred kB. */
  static final int MAX_RESPONSE_BYTES = 16 << 20;

  /** The status code and the body of an answer. */
  public record Response(int status, String body) {}

  private UnixHttpExchange() {}

  /** Sends one request and reads the whole answer, within {@code timeout}. */
  public static Response send(Path socket, String method, String path, Duration timeout)
      throws IOException, TimeoutException {
    SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<byte[]> exchange = executor.submit(() -> exchange(ch, method, path));
      try {
        return parse(exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        ch.close(); // unblocks the read
        throw e;
      } catch (InterruptedException e) {
        ch.close();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
    } finally {
      ch.close();
    }
  }

  private static byte[] exchange(SocketChannel ch, String method, String path) throws IOException {
    String request =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
    while (out.hasRemaining()) {
      ch.write(out);
    }
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    while (ch.read(buf) >= 0) {
      response.write(buf.array(), 0, buf.position());
      buf.clear();
      if (response.size() > MAX_RESPONSE_BYTES) {
        throw new IOException("answer longer than " + MAX_RESPONSE_BYTES + " bytes");
      }
    }
    return response.toByteArray();
  }

  static Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.UTF_8);
    int headEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.") || headEnd < 0) {
      throw new IOException("not an HTTP answer (" + raw.length + " bytes)");
    }
    String statusLine = text.substring(0, text.indexOf("\r\n"));
    String[] parts = statusLine.split(" ", 3);
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (RuntimeException e) {
      throw new IOException("bad status line: " + statusLine);
    }
    return new Response(status, text.substring(headEnd + 4));
  }
}
