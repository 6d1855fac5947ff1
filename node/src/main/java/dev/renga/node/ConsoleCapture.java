package dev.renga.node;

import dev.renga.core.Header;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A request's console output as {@code x-haiku-console} returns it to the client (DESIGN §4): none, instead of the
 * body, in a response header, or in a trailer. Bounded by renga.sandbox.console.max-bytes; output after the response
 * ended is never returned.
 */
final class ConsoleCapture {
  static final String HEADER = "x-haiku-console";

  enum Mode {
    NONE,
    BODY,
    HEADER,
    TRAILER;

    /** The mode the request asked for (the gateway turns the query parameter into the header); unknown means none. */
    static Mode of(List<Header> headers) {
      for (Header header : headers) {
        if (header.name().equalsIgnoreCase(ConsoleCapture.HEADER)) {
          try {
            return valueOf(header.value().trim().toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            return NONE;
          }
        }
      }
      return NONE;
    }
  }

  /** The request's headers as the handler sees them: the gateway's console-mode header is Renga's, not the handler's. */
  static List<Header> withoutModeHeader(List<Header> headers) {
    return headers.stream().noneMatch(h -> h.name().equalsIgnoreCase(HEADER))
        ? headers
        : headers.stream().filter(h -> !h.name().equalsIgnoreCase(HEADER)).toList();
  }

  private static final String CUT = "[console output cut at renga.sandbox.console.max-bytes]\n";

  private final Mode mode;
  private final int maxBytes;
  private final StringBuilder text = new StringBuilder();
  private int bytes;
  private boolean cut;

  ConsoleCapture(Mode mode, int maxBytes) {
    this.mode = mode;
    this.maxBytes = maxBytes;
  }

  Mode mode() {
    return mode;
  }

  /** One console call's text; a line that does not fit whole is dropped, with a note (once). */
  void add(String line) {
    if (mode == Mode.NONE || cut) {
      return;
    }
    int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
    if (bytes + size > maxBytes) {
      cut = true;
      text.append(CUT);
      return;
    }
    bytes += size;
    text.append(line).append('\n');
  }

  String text() {
    return text.toString();
  }

  /** The output as a header or trailer value: URL-encoded, so a newline is %0A and a space %20. */
  Header asHeader() {
    return new Header(HEADER, URLEncoder.encode(text(), StandardCharsets.UTF_8).replace("+", "%20"));
  }
}
