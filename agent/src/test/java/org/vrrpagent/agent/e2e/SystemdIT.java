package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.systemd.NotifySocket;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * The daemon under a (simulated) systemd: READY=1 once running, STATUS= on changes, STOPPING=1 at
 * SIGTERM.
 */
class SystemdIT {
  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(1);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  @Test
  void readyStatusAndStoppingReachTheNotifySocket() throws Throwable {
    String socket = lab.lab.workDir().resolve("notify.sock").toString();
    try (NotifySocket systemd = new NotifySocket(socket, 20)) {
      String yaml = LabConfigs.agent("h1", 51, 100, LabConfigs.VIP4 + "/24", "");
      NetnsLab.LabProcess agent =
          lab.lab.start(
              1,
              "env",
              "NOTIFY_SOCKET=" + socket,
              AgentLab.repoRoot().resolve("bin/vrrp-agent").toString(),
              "run",
              "--config",
              lab.write("agent.yaml", yaml).toString(),
              "--state-file",
              lab.stateFile(1).toString());
      List<String> got = new ArrayList<>();
      String m;
      do {
        m = systemd.receive();
        got.add(m);
      } while (!m.startsWith("READY=1") && got.size() < 20);
      assertThat(m).as(got + AgentLab.logs(agent)).startsWith("READY=1").contains("dns0");
      // Alone on the link it becomes master: the state change is told as STATUS=.
      do {
        m = systemd.receive();
        got.add(m);
      } while (!m.contains("MASTER") && got.size() < 20);
      assertThat(m).as(got.toString()).startsWith("STATUS=dns0: MASTER");
      assertThat(lab.terminate(agent)).isZero();
      do {
        m = systemd.receive();
        got.add(m);
      } while (!m.equals("STOPPING=1") && got.size() < 30);
      assertThat(m).as(got.toString()).isEqualTo("STOPPING=1");
    }
  }
}
