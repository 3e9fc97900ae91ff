package org.vrrpagent.core.io;

/**
 * A transport, address or neighbour operation the operating system refused. The message is one line
 * meant for the operator: the interface, what failed, the kernel's reason and what to do, e.g.
 * {@code "eth0: cannot open raw VRRP socket: Operation not permitted (run as root or grant
 * CAP_NET_RAW)"}.
 */
public class TransportException extends RuntimeException {
  public TransportException(String message) {
    super(message);
  }

  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
