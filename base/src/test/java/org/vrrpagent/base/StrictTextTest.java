package org.vrrpagent.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictTextTest {
  @TempDir Path dir;

  @Test
  void readsUtf8UpToTheLimit() throws IOException {
    Path file = Files.writeString(dir.resolve("a"), "grüße\n");
    assertThat(StrictText.read(file, 8)).isEqualTo("grüße\n");
  }

  @Test
  void refusesAFileOverTheLimit() throws IOException {
    Path file = Files.write(dir.resolve("a"), new byte[9]);
    assertThatExceptionOfType(StrictText.Refused.class)
        .isThrownBy(() -> StrictText.read(file, 8))
        .satisfies(e -> assertThat(e.problem()).isEqualTo(StrictText.Problem.TOO_LARGE));
  }

  @Test
  void refusesMalformedUtf8WithItsOffset() throws IOException {
    byte[] bytes = "ab".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("a"), new byte[] {bytes[0], bytes[1], (byte) 0xc3, 'x'});
    assertThatExceptionOfType(StrictText.Refused.class)
        .isThrownBy(() -> StrictText.read(file, 100))
        .satisfies(
            e -> {
              assertThat(e.problem()).isEqualTo(StrictText.Problem.NOT_UTF8);
              assertThat(e.offset()).isEqualTo(2);
            });
  }

  @Test
  void refusesAFifoWithoutOpeningIt() throws Exception {
    Path fifo = dir.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    // opening a FIFO nobody writes blocks; the check happens before the open
    assertThatExceptionOfType(StrictText.Refused.class)
        .isThrownBy(() -> StrictText.read(fifo, 100))
        .satisfies(e -> assertThat(e.problem()).isEqualTo(StrictText.Problem.NOT_A_REGULAR_FILE));
  }

  @Test
  void aMissingFileIsAnIoError() {
    assertThatExceptionOfType(NoSuchFileException.class)
        .isThrownBy(() -> StrictText.read(dir.resolve("none"), 1));
  }

  @Test
  void oneLineEscapesWhatWouldBreakALine() {
    assertThat(StrictText.oneLine("http://a/ b")).isEqualTo("http://a/ b");
    assertThat(StrictText.oneLine("a\nb\r\tc\u007fd\u0085e"))
        .isEqualTo("a\\x0ab\\x0d\\x09c\\x7fd\\x85e");
    assertThat(StrictText.oneLine("x\u2028y\u2029")).isEqualTo("x\\u2028y\\u2029");
    assertThat(StrictText.oneLine("grüße ✓")).isEqualTo("grüße ✓");
  }
}
