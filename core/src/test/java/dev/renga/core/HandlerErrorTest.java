package dev.renga.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HandlerErrorTest {
  @Test
  void aCauseOfMegabytesIsCutSoTheErrorStillFitsOneMessage() {
    var error = new HandlerError(ErrorCode.EXCEPTION, "y".repeat(3_000_000));
    assertTrue(error.cause().length() < HandlerError.MAX_CAUSE_CHARS + 100, "length " + error.cause().length());
    assertTrue(error.cause().endsWith("(cut: 3000000 characters in all)"), error.cause().substring(HandlerError.MAX_CAUSE_CHARS));
    assertEquals("short", new HandlerError(ErrorCode.EXCEPTION, "short").cause());
  }
}
