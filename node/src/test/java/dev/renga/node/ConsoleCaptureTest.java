package dev.renga.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.renga.node.tenants.SecretMask;
import java.util.List;
import org.junit.jupiter.api.Test;

/** x-haiku-console's header and trailer values, as haiku-http wrote them. */
class ConsoleCaptureTest {

  @Test
  void encodesAsEncodeUriComponentWithSpacesLeftAsSpaces() {
    assertEquals("Before writeHead%0A", ConsoleCapture.encode("Before writeHead\n"));
    assertEquals("a-_.!~*'() b%0D%0A%25%2C%3B%3A%40%26%3D%2B%24%23%2F%3F", ConsoleCapture.encode("a-_.!~*'() b\r\n%,;:@&=+$#/?"));
    assertEquals("%C3%A9%E2%82%AC", ConsoleCapture.encode("é€"));
  }

  @Test
  void headerHoldsTheOutputUpToTheFirstHeadWriteAndTheTrailerUpToTheEnd() {
    var capture = new ConsoleCapture(ConsoleCapture.Mode.HEADER, 4096, SecretMask.NONE);
    capture.add("one");
    capture.headWritten();
    capture.add("two");
    capture.headWritten();
    assertEquals("one%0A", capture.asHeader().value());
    assertEquals("one%0Atwo%0A", capture.asTrailer().value());
    assertEquals(ConsoleCapture.Mode.TRAILER, ConsoleCapture.Mode.of(List.of(new dev.renga.core.Header("x-haiku-console", " Trailer "))));
  }

  @Test
  void aSecretWrittenOverTwoConsoleCallsIsMaskedInTheHeaderTheTrailerAndTheBody() {
    var capture = new ConsoleCapture(ConsoleCapture.Mode.HEADER, 4096, SecretMask.of(List.of("pg-Pass-92f1e7")));
    capture.add("password: pg-");
    capture.add("Pass-92f1e7 (split)");
    capture.headWritten();
    capture.add("again pg-Pa");
    capture.add("ss-92f1e7");
    assertEquals("password%3A *****%0A (split)%0A", capture.asHeader().value());
    assertEquals("password%3A *****%0A (split)%0Aagain *****%0A%0A", capture.asTrailer().value());
    assertEquals("password: *****\n (split)\nagain *****\n\n", capture.text());
  }
}
