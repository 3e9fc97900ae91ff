package org.vrrpagent.agent.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.importer.KeepalivedParser.Statement;
import org.vrrpagent.agent.importer.KeepalivedParser.Word;

/** keepalived.conf(5)'s syntax, rule by rule, with the positions every message depends on. */
class KeepalivedParserTest {
  @TempDir Path dir;

  static List<Statement> parse(String text) throws KeepalivedSyntaxException {
    return KeepalivedParser.parse(text, "k.conf", Path.of(".")).statements();
  }

  @Test
  void blocksNestAndEveryWordKeepsItsLineAndColumn() throws Exception {
    List<Statement> top =
        parse(
            """
        global_defs {
          router_id  r1
        }
        vrrp_instance VI_1 {
            virtual_ipaddress {
                198.18.0.1/24 dev eth0
            }
        }
        """);
    assertThat(top).extracting(Statement::keyword).containsExactly("global_defs", "vrrp_instance");
    Statement routerId = top.getFirst().block().getFirst();
    assertThat(routerId.words())
        .containsExactly(new Word("router_id", 2, 3), new Word("r1", 2, 14));
    Statement vip = top.get(1).block().getFirst().block().getFirst();
    assertThat(vip.line()).isEqualTo(6);
    assertThat(vip.column()).isEqualTo(9);
    assertThat(vip.args()).extracting(Word::text).containsExactly("dev", "eth0");
  }

  @Test
  void blocksOnOneLine_asInTheKeepalived227Capture() throws Exception {
    List<Statement> top =
        parse(
            """
        global_defs { router_id capture }
        vrrp_instance v2auth {
          authentication { auth_type PASS
            auth_pass secret12 }
          virtual_ipaddress { 198.18.0.102/24 }
        }
        """);
    assertThat(top.getFirst().block())
        .extracting(Statement::text)
        .containsExactly("router_id capture");
    Statement auth = top.get(1).block().getFirst();
    assertThat(auth.block())
        .extracting(Statement::text)
        .containsExactly("auth_type PASS", "auth_pass secret12");
    assertThat(top.get(1).block().get(1).block())
        .extracting(Statement::keyword)
        .containsExactly("198.18.0.102/24");
  }

  @Test
  void aBraceOnItsOwnLineOpensThePreviousStatementsBlock() throws Exception {
    List<Statement> top = parse("vrrp_script chk\n{\n  script /bin/true\n}\n");
    assertThat(top).hasSize(1);
    assertThat(top.getFirst().block())
        .extracting(Statement::text)
        .containsExactly("script /bin/true");
  }

  @Test
  void commentsStartWithHashOrBangAnywhere_outsideQuotes() throws Exception {
    List<Statement> top =
        parse(
            """
        # whole line
        ! whole line
        router_id r1 # trailing
        script "/bin/echo #not ! a comment" ! trailing
        """);
    assertThat(top)
        .extracting(Statement::text)
        .containsExactly("router_id r1", "script /bin/echo #not ! a comment");
  }

  @Test
  void quotesGroupAndKeepalivedsEscapesAreResolved() throws Exception {
    // keepalived.conf(5): 'abcd" efg h jkl "mnop' is one string; \t \n \x41 \101 \" \\ \cA.
    List<Statement> top =
        parse(
            """
        a abcd" efg h jkl "mnop
        b "x\\ty\\nz\\x41\\101\\"q\\\\\\cA" 'single "double"'
        """);
    assertThat(top.getFirst().args()).extracting(Word::text).containsExactly("abcd efg h jkl mnop");
    assertThat(top.get(1).args())
        .extracting(Word::text)
        .containsExactly("x\ty\nzAA\"q\\\u0001", "single \"double\"");
  }

  @Test
  void aBackslashAtTheEndOfALineIsAnOrdinaryCharacter_asKeepalived227ReadsIt() throws Exception {
    // keepalived -t on "priority \" then "120": Unknown keyword 'priority\', Unknown keyword '120'.
    List<Statement> top = parse("priority \\\n   120\nnext 1\n");
    assertThat(top).extracting(Statement::text).containsExactly("priority \\", "120", "next 1");
    assertThat(top.get(2).line()).isEqualTo(3);
  }

  @Test
  void unbalancedBlocksAreRefusedWithThePosition() {
    assertThatThrownBy(() -> parse("global_defs {\n  router_id r1\n"))
        .isInstanceOf(KeepalivedSyntaxException.class)
        .hasMessage(
            "k.conf:1:1: block \"global_defs\" is not closed at the end of the file (expected: })");
    assertThatThrownBy(() -> parse("a 1\n  }\n"))
        .hasMessage("k.conf:2:3: \"}\" without an open block (expected: a matching {)");
    assertThatThrownBy(() -> parse("{\n"))
        .hasMessage("k.conf:1:1: \"{\" without a keyword (expected: KEYWORD {)");
  }

  @Test
  void unterminatedQuotesAreRefusedWithThePosition() {
    assertThatThrownBy(() -> parse("script \"/bin/true\nnext\n"))
        .hasMessage(
            "k.conf:1:8: quoted string runs past the end of the line (expected: a closing \" on line 1)");
    assertThatThrownBy(() -> parse("script 'x"))
        .hasMessage(
            "k.conf:1:8: unterminated quoted string (expected: a closing ' )".replace("' )", "')"));
  }

  @Test
  void limitsHoldWithAMessage() {
    String deep = "a {\n".repeat(KeepalivedParser.MAX_DEPTH + 1);
    assertThatThrownBy(() -> parse(deep))
        .hasMessageContaining("nested more than 32 deep (expected: at most 32)");
    assertThatThrownBy(() -> parse("a\0b"))
        .hasMessage("k.conf:1:2: a NUL byte (expected: a text file)");
    String tooLong = "x".repeat(KeepalivedParser.MAX_WORD_CHARS + 1);
    String words = "k.conf:1:3: a word longer than 65536 characters (expected: at most 65536)";
    assertThatThrownBy(() -> parse("a " + tooLong)).hasMessage(words);
    assertThatThrownBy(() -> parse("a \"" + tooLong + "\"")).hasMessage(words);
  }

  @Test
  void includeGlobsAreRelativeToTheIncludingFile_inNameOrder() throws Exception {
    Files.createDirectories(dir.resolve("etc/conf.d"));
    Files.writeString(dir.resolve("etc/keepalived.conf"), "include conf.d/*.conf\nafter 1\n");
    Files.writeString(dir.resolve("etc/conf.d/b.conf"), "from_b 1\n");
    Files.writeString(
        dir.resolve("etc/conf.d/a.conf"), "\n  from_a 1\ninclude ../more/{x,y}.inc\n");
    Files.createDirectories(dir.resolve("etc/more"));
    Files.writeString(dir.resolve("etc/more/y.inc"), "from_y 1\n");
    KeepalivedParser.Result r =
        KeepalivedParser.parse(dir.resolve("etc/keepalived.conf"), "keepalived.conf");
    assertThat(r.statements())
        .extracting(Statement::keyword)
        .containsExactly("from_a", "from_y", "from_b", "after");
    Statement a = r.statements().getFirst();
    assertThat(a.where()).isEqualTo("conf.d/a.conf:2");
    assertThat(a.column()).isEqualTo(3);
    assertThat(r.statements().get(1).where()).isEqualTo("more/y.inc:1");
    assertThat(r.notes()).isEmpty();
  }

  @Test
  void anIncludeMatchingNothingIsNoted_andALoopIsRefused() throws Exception {
    Files.writeString(dir.resolve("main.conf"), "include nothing/*.conf\ninclude main.conf\n");
    assertThatThrownBy(() -> KeepalivedParser.parse(dir.resolve("main.conf"), "main.conf"))
        .hasMessage(
            "main.conf:2:1: includes main.conf again while reading it (expected: no include loop)");
    Files.writeString(dir.resolve("main.conf"), "include nothing/*.conf\n");
    KeepalivedParser.Result r = KeepalivedParser.parse(dir.resolve("main.conf"), "main.conf");
    assertThat(r.notes())
        .containsExactly(
            "main.conf:1: include nothing/*.conf: no file matches; nothing included (as keepalived)");
  }

  @Test
  void aMissingFileIsRefused() {
    assertThatThrownBy(() -> KeepalivedParser.parse(dir.resolve("none.conf"), "none.conf"))
        .hasMessage("none.conf: cannot read: no such file (expected: a readable keepalived.conf)");
  }
}
