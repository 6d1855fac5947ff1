package dev.renga.node.tenants;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.renga.node.tenants.MaskedLines.Line;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Console lines reach the node's log with a secret masked even when the handler wrote it over several calls. */
class MaskedLinesTest {
  private static final String SECRET = "pg-Pass-92f1e7";

  private static List<String> texts(List<Line> lines) {
    return lines.stream().map(Line::text).toList();
  }

  /** Everything the log gets for these console calls, then the request's end. */
  private static List<String> logged(SecretMask mask, String... calls) {
    MaskedLines lines = new MaskedLines(mask);
    List<String> logged = new ArrayList<>();
    for (String call : calls) {
      logged.addAll(texts(lines.add("info", call)));
    }
    logged.addAll(texts(lines.flush()));
    return logged;
  }

  @Test
  void aSecretSplitOverTwoCallsIsMaskedAndTheLinesStayApart() {
    assertEquals(
        List.of("password: *****", " (split)"),
        logged(SecretMask.of(List.of(SECRET)), "password: pg-", "Pass-92f1e7 (split)"));
  }

  @Test
  void aSecretSplitOverThreeCallsIsMasked() {
    assertEquals(List.of("*****", "", " ok"), logged(SecretMask.of(List.of(SECRET)), "pg-P", "ass-9", "2f1e7 ok"));
  }

  @Test
  void aLineThatOnlyLooksLikeTheStartOfASecretIsLoggedUnchangedWhenTheNextShowsItIsNot() {
    MaskedLines lines = new MaskedLines(SecretMask.of(List.of(SECRET)));
    assertEquals(List.of(), lines.add("warn", "version pg"), "held: it may go on with the secret");
    assertEquals(
        List.of(new Line("warn", "version pg"), new Line("info", "16 ready")), lines.add("info", "16 ready"));
    assertEquals(List.of(), lines.flush());
  }

  @Test
  void aLineEndingOutsideAnySecretPassesAtOnce() {
    MaskedLines lines = new MaskedLines(SecretMask.of(List.of(SECRET)));
    assertEquals(List.of(new Line("info", "hello *****!")), lines.add("info", "hello " + SECRET + "!"));
  }

  @Test
  void aSecretThatRunsOnPastALineReleasedEarlierStaysMasked() {
    // "x" + the secret's start on one line, its end and the start of it again on the next: the first line goes out
    // once the second arrives, and the part of the secret on the second line must not come out later.
    assertEquals(
        List.of("x*****", " and *****", ""),
        logged(SecretMask.of(List.of(SECRET)), "xpg-Pass", "-92f1e7 and pg-", "Pass-92f1e7"));
  }

  @Test
  void withoutSecretsEveryLinePassesAsWritten() {
    MaskedLines lines = new MaskedLines(SecretMask.NONE);
    assertEquals(List.of(new Line("info", "pg-")), lines.add("info", "pg-"));
  }
}
