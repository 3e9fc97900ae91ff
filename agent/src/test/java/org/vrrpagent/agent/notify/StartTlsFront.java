package org.vrrpagent.agent.notify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * GreenMail's SMTP speaks no STARTTLS, so tests put this in front of it: a real STARTTLS server
 * (EHLO advertises STARTTLS, MAIL before it is refused with 530), which after the TLS handshake
 * relays the session to GreenMail. It records what the client sent inside TLS, so a test can see
 * that AUTH happened encrypted. Listens on 127.0.0.1 only.
 */
final class StartTlsFront implements AutoCloseable {
  private final ServerSocket server;
  private final int backendPort;
  private final SSLContext tls;
  private final AtomicInteger handshakes = new AtomicInteger();
  private final StringBuffer insideTls = new StringBuffer();
  private final Thread acceptor;

  StartTlsFront(int backendPort) throws Exception {
    this.backendPort = backendPort;
    this.tls = testCertificateContext();
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor = Thread.ofVirtual().start(this::accept);
  }

  /** A server TLS context with GreenMail's self-signed test certificate. */
  static SSLContext testCertificateContext() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in =
        StartTlsFront.class.getClassLoader().getResourceAsStream("greenmail.p12")) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  int port() {
    return server.getLocalPort();
  }

  int handshakes() {
    return handshakes.get();
  }

  /** What clients sent after STARTTLS (decrypted). */
  String insideTls() {
    return insideTls.toString();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> session(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void session(Socket client) {
    try (client) {
      client.setSoTimeout(10_000);
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      write(out, "220 starttls-front ESMTP\r\n");
      for (int i = 0; i < 20; i++) {
        String line = readLine(in);
        if (line == null) {
          return;
        }
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
        switch (verb) {
          case "EHLO" -> write(out, "250-starttls-front\r\n250 STARTTLS\r\n");
          case "HELO" -> write(out, "250 starttls-front\r\n");
          case "QUIT" -> {
            write(out, "221 bye\r\n");
            return;
          }
          case "STAR" -> {
            write(out, "220 go ahead\r\n");
            relayOverTls(client);
            return;
          }
          default -> write(out, "530 5.7.0 Must issue a STARTTLS command first\r\n");
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private void relayOverTls(Socket client) throws IOException {
    SSLSocket secure =
        (SSLSocket)
            tls.getSocketFactory().createSocket(client, "localhost", client.getPort(), true);
    secure.setUseClientMode(false);
    secure.startHandshake();
    handshakes.incrementAndGet();
    try (secure;
        Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
      backend.setSoTimeout(10_000);
      readLine(backend.getInputStream()); // GreenMail's greeting: the client had ours
      Thread down = Thread.ofVirtual().start(() -> pipe(backend, secure, null));
      pipe(secure, backend, insideTls);
      try {
        down.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void pipe(Socket from, Socket to, StringBuffer record) {
    byte[] buffer = new byte[8192];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (record != null && record.length() < 1_000_000) {
          record.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException | UnsupportedOperationException e) {
      // one side closed
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && line.size() < 1000) {
      if (b == '\n') {
        return line.toString(StandardCharsets.ISO_8859_1).strip();
      }
      line.write(b);
    }
    return null;
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      acceptor.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
