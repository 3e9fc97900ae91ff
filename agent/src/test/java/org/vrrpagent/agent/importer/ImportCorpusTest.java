package org.vrrpagent.agent.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.importer.KeepalivedParser.Statement;

/**
 * The corpus: keepalived configurations written from keepalived.conf(5) (each keyword the importer
 * covers at least once), the resolver pair operators sent us, and the configuration of the
 * keepalived 2.2.7 capture. For each one the imported YAML is exactly the reviewed file beside it
 * ({@code NAME.yaml}) and loads as {@code validate --syntax-only} loads it. {@code
 * -Dimporter.update=true} rewrites the expected files (review the diff before committing).
 */
class ImportCorpusTest {
  static final Path CORPUS = Path.of("src", "test", "resources", "keepalived-import");

  static Stream<Path> corpus() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(CORPUS)) {
      s.filter(p -> p.toString().endsWith(".conf")).sorted().forEach(files::add);
    }
    files.add(CORPUS.resolve("include").resolve("keepalived.conf"));
    return files.stream();
  }

  static KeepalivedImporter.Result importFile(Path conf) throws KeepalivedSyntaxException {
    String name = CORPUS.relativize(conf).toString();
    KeepalivedParser.Result parsed = KeepalivedParser.parse(conf, name);
    return KeepalivedImporter.translate(parsed, name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void importsToTheReviewedYaml_whichValidates(Path conf) throws Exception {
    KeepalivedImporter.Result r = importFile(conf);
    Path expected =
        conf.resolveSibling(conf.getFileName().toString().replaceFirst("\\.conf$", ".yaml"));
    if (Boolean.getBoolean("importer.update")) {
      Files.writeString(expected, r.yaml(), StandardCharsets.UTF_8);
    }
    assertThat(r.yaml()).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    if (r.instances() > 0) {
      Config config = load(conf.getFileName().toString(), r.yaml());
      assertThat(config.instances()).hasSize(r.instances());
    }
  }

  static Config load(String name, String yaml) {
    try {
      return ConfigLoader.parse(name + ".yaml", yaml);
    } catch (ConfigException e) {
      throw new AssertionError("imported YAML refused:\n" + e.errors() + "\n" + yaml, e);
    }
  }

  /** Every keyword the issue lists appears as a statement in the corpus. */
  @Test
  void theCorpusUsesEveryKeywordTheImporterCovers() throws Exception {
    Set<String> seen = new TreeSet<>();
    for (Path conf : corpus().toList()) {
      collect(KeepalivedParser.parse(conf, conf.toString()).statements(), seen);
    }
    // include statements are expanded by the parser; their presence is asserted on the text.
    assertThat(Files.readString(CORPUS.resolve("include/keepalived.conf")))
        .contains("include conf.d/*.conf");
    assertThat(seen)
        .contains(
            "global_defs",
            "router_id",
            "notification_email",
            "notification_email_from",
            "smtp_server",
            "smtp_connect_timeout",
            "script_user",
            "enable_script_security",
            "vrrp_garp_master_delay",
            "vrrp_garp_master_repeat",
            "vrrp_garp_master_refresh",
            "vrrp_version",
            "notify_fifo",
            "smtp_alert",
            "vrrp_instance",
            "state",
            "interface",
            "virtual_router_id",
            "priority",
            "advert_int",
            "version",
            "nopreempt",
            "preempt_delay",
            "unicast_src_ip",
            "unicast_peer",
            "mcast_src_ip",
            "authentication",
            "auth_type",
            "auth_pass",
            "virtual_ipaddress",
            "virtual_ipaddress_excluded",
            "garp_master_delay",
            "garp_master_repeat",
            "garp_master_refresh",
            "track_script",
            "track_interface",
            "track_file",
            "track_process",
            "notify",
            "notify_master",
            "notify_backup",
            "notify_fault",
            "notify_stop",
            "use_vmac",
            "vrrp_script",
            "script",
            "interval",
            "timeout",
            "weight",
            "rise",
            "fall",
            "user",
            "init_fail",
            "vrrp_track_process",
            "process",
            "quorum",
            "full_command",
            "param_match",
            "vrrp_track_file",
            "track_file",
            "file",
            "init_file",
            "vrrp_sync_group",
            "group",
            "sync_group_tracking_weight",
            "virtual_server",
            "virtual_server_group",
            "static_ipaddress",
            "bfd_instance");
    assertThat(corpus().count()).isGreaterThanOrEqualTo(17);
  }

  private static void collect(List<Statement> statements, Set<String> into) {
    for (Statement s : statements) {
      into.add(s.keyword());
      if (s.block() != null) {
        collect(s.block(), into);
      }
    }
  }

  @Test
  void keepalivedIsAskedNothing_theImporterNeedsNoNetworkOrFiles() throws Exception {
    // The include corpus reads files relative to the including file, not the working directory.
    KeepalivedImporter.Result r = importFile(CORPUS.resolve("include").resolve("keepalived.conf"));
    assertThat(r.yaml())
        .contains(
            "  first:", "  second:", "alive:", "include/conf.d/20-second.conf:7: bogus_keyword 1");
    assertThat(r.warnings())
        .anyMatch(w -> w.contains("include nowhere/*.conf") && w.contains("no file matches"));
  }
}
