package org.vrrpagent.agent.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.cli.VrrpAgentCommand;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** {@code vrrp-agent import-keepalived FILE}: YAML on stdout, warnings on stderr, exit 0 / 2. */
class ImportKeepalivedCommandTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = VrrpAgentCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void theResolverPair_yamlOnStdout_theIgnoredIpv6AddressOnStderr() throws Exception {
    Path conf = ImportCorpusTest.CORPUS.resolve("resolver-pair.conf");
    Run r = run("import-keepalived", conf.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .isEqualTo(
            Files.readString(ImportCorpusTest.CORPUS.resolve("resolver-pair.yaml"))
                .replace("imported from resolver-pair.conf", "imported from resolver-pair.conf")
                .replace("(resolver-pair.conf:", "(" + conf + ":")
                .replace(" resolver-pair.conf:", " " + conf + ":"));
    assertThat(r.err())
        .isEqualTo(
            conf
                + ":63: not translated: 2001:db8::53/128: keepalived ignores an address whose"
                + " family differs from its instance's\n");
    // What an operator relies on, read back from the YAML.
    Path yaml = dir.resolve("agent.yaml");
    Files.writeString(yaml, r.out());
    Run v = run("validate", "--syntax-only", "--config", yaml.toString());
    assertThat(v.exit()).as(v.err()).isZero();
    JsonNode root = new YAMLMapper().readTree(r.out());
    JsonNode rdns0 = root.get("instances").get("rdns0");
    assertThat(rdns0.get("version").asInt()).isEqualTo(2);
    assertThat(rdns0.get("addresses").size()).isEqualTo(1);
    assertThat(rdns0.get("addresses").get(0).asString()).isEqualTo("192.0.2.53/24");
    assertThat(rdns0.get("auth").get("password").asString()).isEqualTo("s3cret99");
    assertThat(root.get("instances").get("rdns1").get("version").asInt()).isEqualTo(2);
    assertThat(root.get("instances").get("rdns1").get("preempt").asBoolean()).isFalse();
    assertThat(root.get("checks").get("resolver_answers").get("dns").get("type").asString())
        .isEqualTo("TXT");
    assertThat(r.out())
        .contains(
            "# keepalived ignores 2001:db8::53/128 (" + conf + ":63)",
            "priority-order: { file: /etc/vrrp-agent/priority.rdns0, ranks: [250, 200, 150, 100], unlisted: 50 }");
  }

  @Test
  void aFileThatCannotBeParsed_exit2WithItsPosition() throws Exception {
    Path conf = dir.resolve("broken.conf");
    Files.writeString(conf, "vrrp_instance a {\n  interface eth0\n");
    Run r = run("import-keepalived", conf.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            conf
                + ":1:1: block \"vrrp_instance\" is not closed at the end of the file (expected: })\n");
  }

  @Test
  void aMissingFile_exit2() {
    Run r = run("import-keepalived", dir.resolve("nope.conf").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("nope.conf: cannot read: no such file (expected: a readable keepalived.conf)");
  }

  @Test
  void lvsOnly_nothingToRun_exit2_butEverythingListed() throws Exception {
    Path conf = dir.resolve("lvs.conf");
    Files.writeString(conf, "virtual_server 198.18.0.1 80 {\n  lb_algo rr\n}\n");
    Run r = run("import-keepalived", conf.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out())
        .contains(
            "#   "
                + conf
                + ":1: virtual_server 198.18.0.1 80 { … } — LVS/IPVS is not part of vrrp-agent");
    assertThat(r.err()).contains("no vrrp_instance that vrrp-agent can run");
  }

  /** Strings YAML would read as something else, or that need escapes, come back exactly. */
  @Test
  void awkwardStringsRoundTripExactly() throws Exception {
    List<String> awkward =
        List.of(
            "yes",
            "No",
            "null",
            "~",
            "123",
            "0x1F",
            "1e3",
            "-1",
            "-",
            ": x",
            "a: b",
            "#x",
            "x #y",
            "[a]",
            "{b}",
            "&anchor",
            "*alias",
            "!tag",
            "%x",
            "@x",
            "`x`",
            "\"dq\"",
            "back\\slash",
            "a\tb",
            "é 日本 🙂",
            "\u2028",
            "\u0001",
            "trailing ",
            "",
            ",",
            "?",
            "|",
            ">",
            "=");
    StringBuilder script = new StringBuilder("/usr/local/bin/check");
    for (String a : awkward) {
      // Inside keepalived's double-quoted string: escape \ and ", write controls as \xNN; single
      // quotes group the argument.
      StringBuilder q = new StringBuilder();
      for (char c : a.toCharArray()) {
        if (c == '\\' || c == '"') {
          q.append('\\').append(c);
        } else if (c < 0x20) {
          q.append(String.format("\\x%02x", (int) c));
        } else {
          q.append(c);
        }
      }
      script.append(" '").append(q).append("'");
    }
    String conf =
        """
        vrrp_script "odd name: #1" {
            script "%s"
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 1
            authentication {
                auth_type PASS
                auth_pass "a\\"#: '\\\\"
            }
            track_script {
                "odd name: #1"
            }
            virtual_ipaddress {
                198.18.0.1/24
            }
            notify "/etc/keepalived/no tify 'yes' '#'"
        }
        """
            .formatted(script);
    Path file = dir.resolve("awkward.conf");
    Files.writeString(file, conf);
    Run r = run("import-keepalived", file.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    Path yaml = dir.resolve("awkward.yaml");
    Files.writeString(yaml, r.out());
    Run v = run("validate", "--syntax-only", "--config", yaml.toString());
    assertThat(v.exit()).as(v.err() + r.out()).isZero();

    JsonNode root = new YAMLMapper().readTree(r.out());
    JsonNode exec = root.get("checks").get("odd_name___1").get("script").get("exec");
    List<String> got = new ArrayList<>();
    exec.forEach(n -> got.add(n.asString()));
    List<String> want = new ArrayList<>(List.of("/usr/local/bin/check"));
    want.addAll(awkward);
    assertThat(got).isEqualTo(want);
    assertThat(root.get("instances").get("VI_1").get("auth").get("password").asString())
        .isEqualTo("a\"#: '\\");
    JsonNode hook = root.get("notify").get("hooks").get(0).get("exec");
    assertThat(hook.get(0).asString()).isEqualTo("/etc/keepalived/no");
    assertThat(hook.get(2).asString()).isEqualTo("yes");
    assertThat(hook.get(3).asString()).isEqualTo("#");
  }
}
