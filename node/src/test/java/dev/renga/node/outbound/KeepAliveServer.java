package dev.renga.node.outbound;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive HTTP/1.1 upstream on one port of one or more loopback addresses that counts the connections it
 * accepts. Every answer names the connection that carried it ({@code conn-N@address}). {@code /hold} answers once the
 * test completes the future it put in {@link #held()}; {@code /close} answers with {@code Connection: close};
 * {@code /drop} answers as if keeping the connection and then closes it; {@code /redirect} redirects to {@code /}.
 */
final class KeepAliveServer implements AutoCloseable {
  private final List<ServerSocket> sockets = new ArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Map<String, AtomicInteger> acceptedOn = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<CompletableFuture<Void>> held = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Integer> closedByClient = new LinkedBlockingQueue<>();
  private final List<Socket> open = new ArrayList<>();

  KeepAliveServer(String... addresses) {
    try {
      int port = 0;
      for (String address : addresses) {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 50);
        port = socket.getLocalPort();
        sockets.add(socket);
        Thread.ofVirtual().start(() -> accept(socket));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return sockets.get(0).getLocalPort();
  }

  /** http://ADDRESS:PORT of the first address. */
  String base() {
    return "http://" + sockets.get(0).getInetAddress().getHostAddress() + ":" + port();
  }

  /** Connections accepted so far, on all addresses. */
  int accepted() {
    return accepted.get();
  }

  /** Connections accepted so far on one address. */
  int acceptedOn(String address) {
    return acceptedOn.getOrDefault(address, new AtomicInteger()).get();
  }

  /** One future per request waiting at /hold, in arrival order; completing it lets that request answer. */
  LinkedBlockingQueue<CompletableFuture<Void>> held() {
    return held;
  }

  /** The numbers of the connections the client closed, in order. */
  LinkedBlockingQueue<Integer> closedByClient() {
    return closedByClient;
  }

  /** The next request to reach /hold (fails the test after 5 s). */
  CompletableFuture<Void> nextHeld() throws InterruptedException {
    CompletableFuture<Void> next = held.poll(5, TimeUnit.SECONDS);
    if (next == null) {
      throw new AssertionError("no request reached /hold");
    }
    return next;
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        int id = accepted.incrementAndGet();
        String address = socket.getInetAddress().getHostAddress();
        acceptedOn.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        synchronized (open) {
          open.add(client);
        }
        Thread.ofVirtual().start(() -> serve(client, id, address));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client, int id, String address) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      while (true) {
        String requestLine = line(in);
        if (requestLine == null) {
          closedByClient.add(id);
          return;
        }
        long length = 0;
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
          String lower = header.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            length = Long.parseLong(lower.substring("content-length:".length()).trim());
          }
        }
        in.readNBytes((int) length);
        String path = requestLine.split(" ")[1];
        if (path.equals("/hold")) {
          CompletableFuture<Void> release = new CompletableFuture<>();
          held.add(release);
          release.get(30, TimeUnit.SECONDS);
        }
        byte[] body = ("conn-" + id + "@" + address).getBytes(StandardCharsets.US_ASCII);
        String close = path.equals("/close") ? "Connection: close\r\n" : "";
        String status = path.equals("/redirect") ? "302 Found\r\nLocation: /" : "200 OK";
        out.write(
            ("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n" + close
                    + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        if (!requestLine.startsWith("HEAD ")) {
          out.write(body);
        }
        out.flush();
        if (path.equals("/close") || path.equals("/drop")) {
          return;
        }
      }
    } catch (Exception e) {
      closedByClient.add(id);
    }
  }

  /** One CRLF-terminated line, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); ; b = in.read()) {
      if (b == -1) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
  }

  @Override
  public void close() {
    held.forEach(f -> f.complete(null));
    for (ServerSocket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    synchronized (open) {
      for (Socket socket : open) {
        try {
          socket.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
  }
}
