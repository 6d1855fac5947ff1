package dev.renga.node;

import dev.renga.core.Header;
import dev.renga.node.tenants.SecretMask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request's console output as {@code x-haiku-console} returns it to the client (DESIGN §4), as haiku-http did: none,
 * instead of the body (output up to {@code end()}), in a response header (output up to the handler's first
 * {@code writeHead}, {@code write} or {@code end}), or in a trailer (up to {@code end()}). Bounded by
 * renga.sandbox.console.max-bytes; output after the response ended is never returned. The tenant's secrets are masked
 * over the whole output returned, so a secret written across several console calls is masked too.
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
  private final SecretMask mask;
  /** Each console call's text as written (masked only when returned, over all of them). */
  private final List<String> lines = new ArrayList<>();
  private int bytes;
  private boolean cut;
  /** How many lines there were when the handler first wrote its head (writeHead, write or end); -1 before. */
  private int atHead = -1;
  private boolean cutAtHead;

  ConsoleCapture(Mode mode, int maxBytes, SecretMask mask) {
    this.mode = mode;
    this.maxBytes = maxBytes;
    this.mask = mask;
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
      return;
    }
    bytes += size;
    lines.add(line);
  }

  /** The output up to now, one line per console call, secrets masked. */
  String text() {
    return text(lines.size(), cut);
  }

  private String text(int count, boolean wasCut) {
    StringBuilder text = new StringBuilder();
    for (String line : mask.applyAcross(lines.subList(0, count))) {
      text.append(line).append('\n');
    }
    return wasCut ? text.append(CUT).toString() : text.toString();
  }

  /** The handler called writeHead, write or end for the first time: what the header mode returns is fixed now. */
  void headWritten() {
    if (atHead < 0) {
      atHead = lines.size();
      cutAtHead = cut;
    }
  }

  /** The header mode's value: the output up to the head, encoded as {@link #encode} does. */
  Header asHeader() {
    return new Header(HEADER, encode(atHead >= 0 ? text(atHead, cutAtHead) : text()));
  }

  /** The trailer mode's value: the output up to end(). */
  Header asTrailer() {
    return new Header(HEADER, encode(text()));
  }

  /**
   * Console output as haiku-http put it in a header: encodeURIComponent's escaping (every UTF-8 byte but
   * {@code A-Z a-z 0-9 - _ . ! ~ * ' ( )} as %XX), then %20 back to a space. So a newline is {@code %0A}, a space a
   * space, and no CR or LF can end the header line.
   */
  static String encode(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "-_.!~*'() ".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
