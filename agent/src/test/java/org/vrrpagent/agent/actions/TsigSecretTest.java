package org.vrrpagent.agent.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TsigSecretTest {
  static final String SECRET = "ZXhhbXBsZSBvbmx5OiBtYWtlIHlvdXIgb3duIHdpdGggdHNpZy1rZXlnZW4=";

  @Test
  void theBase64SecretAlone() {
    assertThat(TsigSecret.parse(SECRET + "\n", "vrrp-agent.", "hmac-sha256")).isEqualTo(SECRET);
  }

  @Test
  void aKeyClauseAsTsigKeygenPrintsIt() {
    String clause =
        "key \"vrrp-agent\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + SECRET + "\";\n};\n";
    assertThat(TsigSecret.parse(clause, "vrrp-agent.", "hmac-sha256")).isEqualTo(SECRET);
    assertThat(TsigSecret.parse("// comment\n" + clause, "vrrp-agent", "hmac-sha256"))
        .isEqualTo(SECRET);
  }

  @Test
  void aClauseForAnotherKeyOrAlgorithmIsRefused() {
    String clause = "key \"other\" { algorithm hmac-sha256; secret \"" + SECRET + "\"; };";
    assertThatThrownBy(() -> TsigSecret.parse(clause, "vrrp-agent.", "hmac-sha256"))
        .hasMessage("holds key \"other\" (expected: key \"vrrp-agent\" as in tsig: name)");
    String sha512 = "key \"vrrp-agent\" { algorithm hmac-sha512; secret \"" + SECRET + "\"; };";
    assertThatThrownBy(() -> TsigSecret.parse(sha512, "vrrp-agent.", "hmac-sha256"))
        .hasMessageContaining("is hmac-sha512 (expected: hmac-sha256");
  }

  @Test
  void badContentSaysWhatIsExpected() {
    assertThatThrownBy(() -> TsigSecret.parse("", "k", "hmac-sha256"))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> TsigSecret.parse("not base64 !!", "k", "hmac-sha256"))
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> TsigSecret.parse("c2hvcnQ=", "k", "hmac-sha256"))
        .hasMessageContaining("5 bytes");
    assertThatThrownBy(
            () -> TsigSecret.parse("key \"k\" { algorithm hmac-sha256; };", "k", "hmac-sha256"))
        .hasMessageContaining("has no secret");
  }
}
