package org.vrrpagent.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vrrpagent.agent.importer.KeepalivedImporter;
import org.vrrpagent.agent.importer.KeepalivedParser;
import org.vrrpagent.agent.importer.KeepalivedSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vrrp-agent import-keepalived FILE}: the YAML for a keepalived.conf on standard output,
 * what could not be translated on standard error. Exit 0 when it produced a configuration, 2 when
 * the file cannot be read or parsed or defines no instance it can run.
 */
@Command(
    name = "import-keepalived",
    mixinStandardHelpOptions = true,
    description = {
      "Translate a keepalived.conf (with its includes) into a vrrp-agent configuration.",
      "Prints the YAML on standard output, with comments wherever the translation is not one to one;",
      "keepalived settings with no equivalent are listed at its end and on standard error.",
      "Exit status: 0 a configuration was written, 2 the file cannot be read or parsed, or has no",
      "vrrp_instance vrrp-agent can run."
    })
public final class ImportKeepalivedCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The keepalived configuration, e.g. /etc/keepalived/keepalived.conf.")
  Path file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KeepalivedParser.Result parsed;
    try {
      parsed = KeepalivedParser.parse(file, file.toString());
    } catch (KeepalivedSyntaxException e) {
      err.println(e.getMessage());
      err.flush();
      return ConfigOption.EXIT_INVALID_CONFIG;
    }
    KeepalivedImporter.Result result =
        KeepalivedImporter.translate(
            parsed, file.getFileName() == null ? file.toString() : file.getFileName().toString());
    out.print(result.yaml());
    out.flush();
    for (String w : result.warnings()) {
      err.println(w);
    }
    if (result.instances() == 0) {
      err.println(
          file
              + ": no vrrp_instance that vrrp-agent can run (expected: at least one vrrp_instance with interface,"
              + " virtual_router_id and virtual_ipaddress)");
      err.flush();
      return ConfigOption.EXIT_INVALID_CONFIG;
    }
    err.flush();
    return 0;
  }
}
