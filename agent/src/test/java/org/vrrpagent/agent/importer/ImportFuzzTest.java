package org.vrrpagent.agent.importer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ConfigLoader;

/**
 * No input crashes the importer: any text is either refused with a {@link
 * KeepalivedSyntaxException} naming a position inside it, or translated; and whenever the
 * translation defines an instance (exit 0), the YAML loads as {@code validate --syntax-only} loads
 * it. Jazzer replays its seeds as a normal test (JAZZER_FUZZ=1 fuzzes); the seeded loop mutates the
 * corpus (words dropped, duplicated, swapped, replaced by awkward ones, bytes flipped) and prints
 * the seed of a failing case.
 */
class ImportFuzzTest {
  private static final String[] AWKWARD = {
    "{",
    "}",
    "\"",
    "'",
    "#",
    "!",
    "\\",
    "\n",
    "0",
    "-1",
    "256",
    "999999999999",
    "1.5",
    "0.001",
    "yes",
    "~",
    ": x",
    "fd00::1",
    "::",
    "198.18.0.1/33",
    "224.0.0.18",
    "eth0",
    "a/b",
    "é",
    "\u0000",
    "\t",
    "vrrp_instance",
    "virtual_ipaddress",
    "track_script",
    "weight",
    "reverse",
    "@x",
    "$X",
    "*"
  };

  @FuzzTest(maxDuration = "60s")
  void importNeverFailsOtherwise(byte[] input) {
    check(new String(input, StandardCharsets.UTF_8));
  }

  static void check(String text) {
    KeepalivedParser.Result parsed;
    try {
      parsed = KeepalivedParser.parse(text, "fuzz.conf", Path.of("/nonexistent-include-dir"));
    } catch (KeepalivedSyntaxException e) {
      long lines = text.lines().count() + 1;
      assertThat(e.line()).isBetween(0, (int) lines + 1);
      assertThat(e.getMessage()).startsWith(e.file()).contains("(expected: ");
      return;
    }
    KeepalivedImporter.Result r = KeepalivedImporter.translate(parsed, "fuzz.conf");
    assertThat(r.yaml()).endsWith("\n");
    if (r.instances() > 0) {
      try {
        ConfigLoader.parse("imported.yaml", r.yaml());
      } catch (ConfigException e) {
        throw new AssertionError(
            "imported YAML refused: "
                + e.errors()
                + "\n--- input ---\n"
                + text
                + "\n--- yaml ---\n"
                + r.yaml(),
            e);
      }
    }
  }

  @Test
  void mutatedCorpus_neverCrashes_andEveryImportedConfigurationValidates() throws IOException {
    List<String> seeds = new ArrayList<>();
    try (Stream<Path> s = Files.list(ImportCorpusTest.CORPUS)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".conf")).sorted().toList()) {
        seeds.add(Files.readString(p));
      }
    }
    long base = Long.getLong("importer.seed", 20261127L);
    int runs = Integer.getInteger("importer.runs", 1000);
    for (int run = 0; run < runs; run++) {
      long seed = base + run;
      SplittableRandom random = new SplittableRandom(seed);
      String text = mutate(seeds.get(random.nextInt(seeds.size())), random);
      try {
        check(text);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed=" + seed + " (rerun with -Dimporter.seed=" + seed + ")", e);
      }
    }
  }

  static String mutate(String text, SplittableRandom random) {
    List<String> words = new ArrayList<>(List.of(text.split("(?<=\\s)|(?=\\s)")));
    int edits = 1 + random.nextInt(6);
    for (int i = 0; i < edits && !words.isEmpty(); i++) {
      int at = random.nextInt(words.size());
      switch (random.nextInt(5)) {
        case 0 -> words.remove(at);
        case 1 -> words.add(at, words.get(random.nextInt(words.size())));
        case 2 -> words.set(at, AWKWARD[random.nextInt(AWKWARD.length)]);
        case 3 -> {
          int other = random.nextInt(words.size());
          String w = words.get(at);
          words.set(at, words.get(other));
          words.set(other, w);
        }
        default -> {
          String w = words.get(at);
          if (!w.isEmpty()) {
            int k = random.nextInt(w.length());
            words.set(
                at, w.substring(0, k) + (char) random.nextInt(0x20, 0x7f) + w.substring(k + 1));
          }
        }
      }
    }
    return String.join("", words);
  }
}
