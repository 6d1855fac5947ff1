package dev.renga.e2e.servers;

import dev.renga.e2e.RengaProcesses;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis server (Debian's redis-server, installed by bin/renga test) for a test class, on a loopback port,
 * keeping nothing on disk. Stopped by {@link #close()} and, should the test JVM end first, by a shutdown hook.
 */
public final class RedisServer implements AutoCloseable {
  private final int port;
  private final Process process;
  private final Thread shutdownHook;

  /** Starts it (its log in {@code logDir}) and waits until it answers PING. */
  public RedisServer(Path logDir) {
    port = RengaProcesses.freePort();
    try {
      logDir.toFile().mkdirs();
      process =
          new ProcessBuilder(List.of(
                  "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                  "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no"))
              .redirectErrorStream(true)
              .redirectOutput(logDir.resolve("redis-" + port + ".log").toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server could not start (apt-get install redis-server)", e);
    }
    shutdownHook = new Thread(this::stop, "stop-redis");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!"+PONG".equals(command("PING"))) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        close();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING");
      }
      try {
        Thread.sleep(50); // polling a starting server's port; bounded by the deadline above
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  public int port() {
    return port;
  }

  /**
   * Sends one inline command (e.g. {@code GET key}) and returns the answer (a status line, an integer, or a bulk
   * string's whole text), for checks from outside Renga; null when the server cannot be reached.
   */
  public String command(String inline) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      String first = line(in);
      if (first.startsWith("$") && !first.equals("$-1")) {
        byte[] bulk = in.readNBytes(Integer.parseInt(first.substring(1)));
        return new String(bulk, StandardCharsets.UTF_8);
      }
      return first.startsWith(":") ? first.substring(1) : first;
    } catch (IOException e) {
      return null;
    }
  }

  /** Clients connected now (INFO clients), this check's own connection not counted. */
  public int connectedClients() {
    String info = command("INFO clients");
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("connected_clients:")) {
        return Integer.parseInt(line.substring("connected_clients:".length()).strip()) - 1;
      }
    }
    throw new IllegalStateException("no connected_clients in " + info);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
      line.append((char) c);
    }
    return line.toString().strip();
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
