package org.vrrpagent.checks.probe;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.vrrpagent.base.StrictText;
import org.vrrpagent.checks.HttpProbeSpec;
import org.vrrpagent.checks.InvalidOptionException;

/**
 * Builds the client SSL context of an https probe: system or ca-file trust, host name check,
 * optional pins.
 */
final class TlsTrust {
  /** Largest ca-file read (Debian's whole CA bundle is about 220 KB). */
  static final int MAX_CA_FILE_BYTES = 1024 * 1024;

  private TlsTrust() {}

  static SslContext clientContext(HttpProbeSpec spec) {
    try {
      X509ExtendedTrustManager base = null;
      if (spec.tlsVerify()) {
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(spec.caFile() == null ? null : caStore(spec));
        base = extended(tmf.getTrustManagers());
      }
      SslContextBuilder b =
          SslContextBuilder.forClient()
              .endpointIdentificationAlgorithm(spec.tlsVerify() ? "HTTPS" : null);
      if (!spec.tlsPin().isEmpty()) {
        b.trustManager(new Pinning(base, spec.tlsPin()));
      } else if (base != null) {
        b.trustManager(base);
      } else {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      }
      return b.build();
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidOptionException(
          "url",
          "url \""
              + spec.url()
              + "\": cannot set up TLS: "
              + e.getMessage()
              + " (expected: a working TLS setup)");
    }
  }

  private static KeyStore caStore(HttpProbeSpec spec) throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    try (InputStream in =
        new ByteArrayInputStream(StrictText.readBytes(spec.caFile(), MAX_CA_FILE_BYTES))) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
    } catch (StrictText.Refused e) {
      throw new InvalidOptionException(
          "ca-file",
          "ca-file "
              + spec.caFile()
              + switch (e.problem()) {
                case TOO_LARGE ->
                    " is larger than "
                        + MAX_CA_FILE_BYTES
                        + " bytes (expected: a file of PEM certificates)";
                case NOT_A_REGULAR_FILE ->
                    " is not a regular file (expected: a file of PEM certificates, not a FIFO or"
                        + " device)";
                case NOT_UTF8 -> " is not text (expected: PEM certificates)";
              });
    } catch (IOException e) {
      throw new InvalidOptionException(
          "ca-file",
          "ca-file "
              + spec.caFile()
              + " cannot be read: "
              + describe(e)
              + " (expected: a readable file of PEM certificates)");
    } catch (java.security.cert.CertificateException e) {
      throw new InvalidOptionException(
          "ca-file",
          "ca-file "
              + spec.caFile()
              + " holds no readable certificate: "
              + e.getMessage()
              + " (expected: PEM certificates)");
    }
    if (i == 0) {
      throw new InvalidOptionException(
          "ca-file",
          "ca-file " + spec.caFile() + " holds no certificate (expected: PEM certificates)");
    }
    return ks;
  }

  private static String describe(IOException e) {
    return switch (e) {
      case java.nio.file.NoSuchFileException n -> "no such file";
      case java.nio.file.AccessDeniedException a -> "permission denied";
      default ->
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    };
  }

  private static X509ExtendedTrustManager extended(TrustManager[] managers) {
    for (TrustManager tm : managers) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("no X509ExtendedTrustManager");
  }

  /**
   * SHA-256 of the whole certificate, lower-case hex: what {@code openssl x509 -fingerprint
   * -sha256} shows.
   */
  static String fingerprintSha256(X509Certificate cert) {
    try {
      return java.util.HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String spkiSha256(X509Certificate cert) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Verifies as the base manager does (if any), then requires one certificate of the chain to match
   * a pin.
   */
  private static final class Pinning extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager base;
    private final List<String> pins;

    Pinning(X509ExtendedTrustManager base, List<String> pins) {
      this.base = base;
      this.pins = pins.stream().map(String::strip).toList();
    }

    private void pin(X509Certificate[] chain) throws CertificateException {
      for (X509Certificate c : chain) {
        if (pins.contains(fingerprintSha256(c)) || pins.contains(spkiSha256(c))) {
          return;
        }
      }
      throw new CertificateException(
          "no certificate matches tls-pin (server certificate "
              + fingerprintSha256(chain[0])
              + ", key "
              + spkiSha256(chain[0])
              + ")");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      if (base != null) {
        base.checkServerTrusted(chain, authType, engine);
      }
      pin(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      if (base != null) {
        base.checkServerTrusted(chain, authType, socket);
      }
      pin(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (base != null) {
        base.checkServerTrusted(chain, authType);
      }
      pin(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client certificates are not checked here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("client certificates are not checked here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not checked here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return base != null ? base.getAcceptedIssuers() : new X509Certificate[0];
    }
  }
}
