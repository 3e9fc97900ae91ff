package org.vrrpagent.agent.e2e;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;

/**
 * A real SMTP server (GreenMail) inside one lab host, listening on port {@value #PORT} of the
 * host's IPv4 address: threads GreenMail starts there inherit the host's network namespace, so the
 * agents reach it over the lab's bridge.
 */
final class LabMail implements AutoCloseable {
  static final int PORT = 3025;

  private final GreenMail smtp;

  private LabMail(GreenMail smtp) {
    this.smtp = smtp;
  }

  /** Starts the server in lab host {@code host}, on the host's address on the lab's bridge. */
  static LabMail start(AgentLab lab, int host) {
    return start(lab, host, lab.lab.ipv4(host).getHostAddress());
  }

  /** Starts the server in lab host {@code host}, on {@code address} (one of the host's own). */
  static LabMail start(AgentLab lab, int host, String address) {
    return new LabMail(
        lab.lab.inNamespace(
            host,
            () -> {
              GreenMail g = new GreenMail(new ServerSetup(PORT, address, "smtp"));
              g.start();
              return g;
            }));
  }

  /** The subjects of the mails received so far, in order. */
  List<String> subjects() {
    return Arrays.stream(smtp.getReceivedMessages())
        .map(
            m -> {
              try {
                return ((MimeMessage) m).getSubject();
              } catch (Exception e) {
                return "(unreadable: " + e + ")";
              }
            })
        .toList();
  }

  @Override
  public void close() {
    smtp.stop();
  }
}
