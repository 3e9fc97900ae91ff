package org.vrrpagent.agent.daemon;

import java.net.InetAddress;
import java.util.Map;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.core.engine.RouterBinding;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.io.TransportDrops;
import org.vrrpagent.core.wire.TtlWindow;

/** Test access to the package-private {@link EngineAssembly#binding}. */
public final class EngineAssemblyAccess {
  private EngineAssemblyAccess() {}

  /** The TTL windows the engine's binding of {@code i} carries. */
  public static Map<InetAddress, TtlWindow> peerTtlOfBinding(InstanceConfig i) {
    RouterBinding b =
        EngineAssembly.binding(
            i,
            i.priority(),
            EngineAssembly.TransportKey.of(i),
            new Transport() {
              @Override
              public void send(byte[] vrrpMessage, InetAddress destination) {}

              @Override
              public InetAddress sourceAddress() {
                return InetAddress.ofLiteral("198.18.1.1");
              }

              @Override
              public String interfaceName() {
                return i.interfaceName();
              }

              @Override
              public TransportDrops drops() {
                return new TransportDrops();
              }

              @Override
              public void close() {}
            });
    return b.peerTtl();
  }
}
