package dev.renga.e2e.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A minimal HTTP/1.1 client on a plain socket, one request per connection: unlike {@code java.net.http} it shows what
 * is on the wire (reason phrase, repeated headers, transfer-encoding, trailers, when each chunk arrived) and lets a
 * test send what a well-behaved client never would (huge or invalid headers, chunked bodies of any size).
 */
final class RawHttp {
  private RawHttp() {}

  /** A request as it goes on the wire; {@code chunked} sends the body with chunked transfer-encoding. */
  record Request(String method, String target, List<Header> headers, byte[] body, boolean chunked) {
    static Request get(String target, List<Header> headers) {
      return new Request("GET", target, headers, null, false);
    }
  }

  record Header(String name, String value) {}

  /** One body chunk and when it was read (System.nanoTime). */
  record Chunk(byte[] bytes, long arrivedNanos) {}

  /**
   * The answer. {@code status} is -1 when the server closed the connection without a complete response, with
   * {@code failure} saying what happened.
   */
  record Response(
      int status,
      String reason,
      List<Header> headers,
      byte[] body,
      List<Header> trailers,
      boolean chunked,
      List<Chunk> chunks,
      long sentNanos,
      long endNanos,
      String failure) {
    List<String> values(String name) {
      return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
    }

    Optional<String> header(String name) {
      return values(name).stream().findFirst();
    }

    Optional<String> trailer(String name) {
      return trailers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    long millis() {
      return (endNanos - sentNanos) / 1_000_000;
    }

    @Override
    public String toString() {
      List<Header> shown =
          headers.stream().filter(h -> !List.of("server", "date", "connection", "x-request-id").contains(h.name().toLowerCase(Locale.ROOT))).toList();
      return status + " " + reason + " " + shown + " body=" + abbreviate(text()) + (failure == null ? "" : " failure=" + failure);
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 600 ? s : s.substring(0, 600) + "...(" + s.length() + " chars)";
  }

  /** Sends the request to 127.0.0.1:port (adding Host and Connection: close) and reads the whole answer. */
  static Response send(int port, Request request, Duration timeout) {
    long sent = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      StringBuilder head = new StringBuilder();
      head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
      head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      head.append("Connection: close\r\n");
      for (Header header : request.headers()) {
        head.append(header.name()).append(": ").append(header.value()).append("\r\n");
      }
      byte[] body = request.body();
      if (body != null && request.chunked()) {
        head.append("Transfer-Encoding: chunked\r\n");
      } else if (body != null) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      String writeFailure = null;
      try {
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null && request.chunked()) {
          int chunkSize = 16 * 1024;
          for (int at = 0; at < body.length; at += chunkSize) {
            int length = Math.min(chunkSize, body.length - at);
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, length);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else if (body != null) {
          out.write(body);
        }
        out.flush();
      } catch (IOException e) {
        // The server may answer (413, 431) and close before it read everything: read what it said anyway.
        writeFailure = "write: " + e;
      }
      return read(socket.getInputStream(), sent, writeFailure);
    } catch (IOException e) {
      return new Response(-1, "", List.of(), new byte[0], List.of(), false, List.of(), sent, System.nanoTime(), e.toString());
    }
  }

  private static Response read(InputStream in, long sent, String writeFailure) throws IOException {
    String statusLine;
    try {
      statusLine = line(in);
    } catch (IOException e) {
      return new Response(
          -1, "", List.of(), new byte[0], List.of(), false, List.of(), sent, System.nanoTime(),
          (writeFailure == null ? "" : writeFailure + "; ") + "read: " + e);
    }
    if (statusLine == null) {
      return new Response(
          -1, "", List.of(), new byte[0], List.of(), false, List.of(), sent, System.nanoTime(),
          (writeFailure == null ? "" : writeFailure + "; ") + "connection closed without a response");
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    String reason = parts.length > 2 ? parts[2] : "";
    List<Header> headers = headers(in);
    boolean chunked =
        headers.stream()
            .anyMatch(h -> h.name().equalsIgnoreCase("transfer-encoding") && h.value().toLowerCase(Locale.ROOT).contains("chunked"));
    Optional<Long> length =
        headers.stream().filter(h -> h.name().equalsIgnoreCase("content-length")).map(h -> Long.parseLong(h.value().trim())).findFirst();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<Chunk> chunks = new ArrayList<>();
    List<Header> trailers = List.of();
    String failure = null;
    try {
      if (chunked) {
        while (true) {
          String sizeLine = line(in);
          if (sizeLine == null) {
            failure = "chunked body cut off (no last chunk)";
            break;
          }
          int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
          if (size == 0) {
            trailers = headers(in);
            break;
          }
          byte[] chunk = in.readNBytes(size);
          if (chunk.length < size) {
            failure = "chunked body cut off inside a chunk";
            body.write(chunk);
            break;
          }
          chunks.add(new Chunk(chunk, System.nanoTime()));
          body.write(chunk);
          line(in);
        }
      } else if (length.isPresent()) {
        byte[] bytes = in.readNBytes((int) (long) length.get());
        body.write(bytes);
        chunks.add(new Chunk(bytes, System.nanoTime()));
        if (bytes.length < length.get()) {
          failure = "body cut off: " + bytes.length + " of " + length.get() + " bytes";
        }
      } else {
        byte[] bytes = in.readAllBytes();
        body.write(bytes);
        chunks.add(new Chunk(bytes, System.nanoTime()));
      }
    } catch (IOException e) {
      failure = "reading the body: " + e;
    }
    return new Response(status, reason, headers, body.toByteArray(), trailers, chunked, chunks, sent, System.nanoTime(), failure);
  }

  private static List<Header> headers(InputStream in) throws IOException {
    List<Header> headers = new ArrayList<>();
    String line;
    while ((line = line(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.add(new Header(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
    }
    return headers;
  }

  /** A CRLF-terminated line (ISO-8859-1), or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      line.append((char) c);
    }
    return line.isEmpty() ? null : line.toString();
  }
}
