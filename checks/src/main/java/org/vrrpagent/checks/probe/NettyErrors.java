package org.vrrpagent.checks.probe;

import java.net.ConnectException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;

/** Turns connection failures into the short phrases reasons use. */
final class NettyErrors {
  private NettyErrors() {}

  static String describe(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return "TLS: certificate expired (" + t.getMessage() + ")";
      }
      if (t instanceof CertificateNotYetValidException) {
        return "TLS: certificate not yet valid (" + t.getMessage() + ")";
      }
    }
    Throwable root = cause;
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertPathValidatorException
          || t.getClass().getSimpleName().equals("SunCertPathBuilderException")) {
        return "TLS: certificate not trusted (no chain to a trusted CA; set ca-file, tls-pin or tls-verify: false)";
      }
      if (t instanceof java.security.cert.CertificateException
          && String.valueOf(t.getMessage()).startsWith("No subject alternative")) {
        return "TLS: certificate does not match the host name (" + t.getMessage() + ")";
      }
      root = t;
    }
    if (cause instanceof io.netty.channel.ConnectTimeoutException) {
      return "connect timed out";
    }
    if (cause instanceof ConnectException
        || cause instanceof io.netty.channel.unix.Errors.NativeIoException
            && String.valueOf(cause.getMessage()).contains("refused")) {
      return "connection refused";
    }
    if (cause instanceof SSLException
        || cause instanceof io.netty.handler.codec.DecoderException
            && cause.getCause() instanceof SSLException) {
      return "TLS: " + root.getMessage();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() != null ? ": " + root.getMessage() : "");
  }
}
