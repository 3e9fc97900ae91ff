package org.vrrpagent.agent.notify;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import org.vrrpagent.agent.config.NotifyConfig.Email;
import org.vrrpagent.agent.config.NotifyConfig.Smtp;
import org.vrrpagent.agent.config.NotifyConfig.StartTls;
import org.vrrpagent.base.StrictText;

/**
 * Sends one mail over SMTP with Angus Mail: STARTTLS none/optional/required, implicit TLS ({@code
 * tls: true}, port 465 style), AUTH with the password read from its file at each send (so a rotated
 * password needs no restart). Certificates are checked against the JVM's trust store, and the
 * server's name against its certificate.
 */
final class MailSender {
  /** Password file bytes read. */
  static final int MAX_PASSWORD_BYTES = 4096;

  private final Email email;
  private final Session session;

  /**
   * @param extra session properties added last (tests: a trust setting for a test certificate)
   */
  MailSender(Email email, Properties extra) {
    this.email = email;
    this.session = Session.getInstance(properties(email.smtp(), extra));
  }

  static Properties properties(Smtp smtp, Properties extra) {
    String protocol = smtp.tls() ? "smtps" : "smtp";
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put("mail.transport.protocol", protocol);
    props.put(p + "host", smtp.host());
    props.put(p + "port", Integer.toString(smtp.port()));
    String millis = Long.toString(smtp.timeout().toMillis());
    props.put(p + "connectiontimeout", millis);
    props.put(p + "timeout", millis);
    props.put(p + "writetimeout", millis);
    props.put(p + "ssl.checkserveridentity", "true");
    props.put(p + "auth", Boolean.toString(smtp.username().isPresent()));
    if (!smtp.tls()) {
      props.put(p + "starttls.enable", Boolean.toString(smtp.starttls() != StartTls.NONE));
      props.put(p + "starttls.required", Boolean.toString(smtp.starttls() == StartTls.REQUIRED));
    } else {
      props.put(p + "ssl.enable", "true");
    }
    props.putAll(extra);
    return props;
  }

  void send(MailText text, Instant date) throws MessagingException, IOException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(email.from()));
    for (String to : email.to()) {
      message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
    }
    message.setSubject(text.subject(), "UTF-8");
    message.setText(text.body(), "UTF-8");
    message.setSentDate(Date.from(date));
    message.setHeader("Auto-Submitted", "auto-generated");
    message.saveChanges();
    Smtp smtp = email.smtp();
    try (Transport transport = session.getTransport()) {
      if (smtp.username().isPresent()) {
        transport.connect(smtp.host(), smtp.port(), smtp.username().get(), password());
      } else {
        transport.connect();
      }
      transport.sendMessage(message, message.getAllRecipients());
    }
  }

  private String password() throws IOException {
    var file = email.smtp().passwordFile().orElseThrow();
    try {
      return StrictText.read(file, MAX_PASSWORD_BYTES).strip();
    } catch (StrictText.Refused e) {
      throw new IOException("password file " + e.getMessage());
    }
  }
}
