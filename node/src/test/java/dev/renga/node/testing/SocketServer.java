package dev.renga.node.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A TCP server on 127.0.0.1 for handler sockets, one behaviour per instance: {@link Mode#ECHO} sends back what it
 * reads and closes after the client's end; {@link Mode#COUNT} reads to the client's end and answers the number of
 * bytes (a line), reading only after {@link #release} so a client's writes back up; {@link Mode#STARTTLS} answers
 * "S" to a first byte, then speaks TLS and echoes. With a TLS context it speaks TLS from the start (ALPN: it picks
 * the first protocol it offers that the client offers too). It counts the connections it accepted and saw closed.
 */
public final class SocketServer implements AutoCloseable {
  public enum Mode { ECHO, COUNT, STARTTLS }

  private final ServerSocket server;
  private final Mode mode;
  private final SSLContext tls;
  private final String[] alpn;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private final Semaphore released = new Semaphore(0);

  public SocketServer(Mode mode) {
    this(mode, null);
  }

  public SocketServer(Mode mode, SSLContext tls, String... alpn) {
    this.mode = mode;
    this.tls = tls;
    this.alpn = alpn;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor.execute(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  public int accepted() {
    return accepted.get();
  }

  /** Connections whose client closed (or reset) them. */
  public int closed() {
    return closed.get();
  }

  /** Lets a COUNT connection start reading. */
  public void release() {
    released.release(100);
  }

  /** Waits until {@code condition} holds, or fails after {@code timeout}. */
  public static void await(BooleanSupplier condition, Duration timeout, String what) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        executor.execute(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket plain) {
    try (Socket socket = tls == null ? plain : secure(plain)) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      switch (mode) {
        case ECHO -> echo(in, out);
        case COUNT -> {
          released.acquire();
          long total = in.transferTo(OutputStream.nullOutputStream());
          out.write((total + "\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        case STARTTLS -> {
          if (in.read() < 0) {
            break;
          }
          out.write('S');
          out.flush();
          try (Socket upgraded = secure(socket)) {
            echo(upgraded.getInputStream(), upgraded.getOutputStream());
          }
        }
      }
    } catch (IOException e) {
      // the client went away: counted below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closed.incrementAndGet();
    }
  }

  private void echo(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
      out.flush();
    }
  }

  private SSLSocket secure(Socket plain) throws IOException {
    SSLContext context = tls != null ? tls : TestCa.get().server();
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
    socket.setUseClientMode(false);
    if (alpn.length > 0) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(alpn);
      socket.setSSLParameters(parameters);
    }
    socket.startHandshake();
    return socket;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    executor.shutdownNow();
  }
}
