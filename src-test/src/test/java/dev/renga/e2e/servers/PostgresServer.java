package dev.renga.e2e.servers;

import dev.renga.e2e.RengaProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's package, installed by bin/renga test) for a test class: a fresh cluster in the
 * build's target directory on a loopback port, passwords checked with SCRAM-SHA-256, TLS on with a test CA's
 * certificate. Run as the {@code postgres} user when the tests run as root. Stopped by {@link #close()} and, should
 * the test JVM end first, by a shutdown hook.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "renga";
  public static final String DATABASE = "renga";

  private final Path dataDir;
  private final Path bin;
  private final Thread shutdownHook;
  private final int port;
  private final String password = "pw-" + UUID.randomUUID();
  private final TestCertificates certificates;
  private volatile boolean running;

  /** Makes the cluster under {@code parent} and starts the server; waits until it accepts connections. */
  public PostgresServer(Path parent) {
    bin = binaries();
    port = RengaProcesses.freePort();
    Path root = parent.toAbsolutePath().resolve("postgres-" + port + "-" + ProcessHandle.current().pid());
    dataDir = root.resolve("data");
    try {
      Files.createDirectories(root);
      certificates = TestCertificates.make(root.resolve("tls"));
      Path passwordFile = root.resolve("password");
      Files.writeString(passwordFile, password + "\n");
      if (Command.isRoot()) {
        Command.run(root, 30, List.of("chown", "-R", "postgres:postgres", root.toString()));
      }
      Command.run(root, 120, Command.asPostgres(List.of(
          bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER, "--pwfile=" + passwordFile,
          "--auth=scram-sha-256", "-E", "UTF8", "--no-instructions", "--locale=C")));
      Path key = dataDir.resolve("server.key");
      Path cert = dataDir.resolve("server.crt");
      Files.copy(certificates.privateKey(), key);
      Files.copy(certificates.certificate(), cert);
      Files.writeString(dataDir.resolve("postgresql.auto.conf"), String.join("\n",
          "listen_addresses = '127.0.0.1'",
          "port = " + port,
          "unix_socket_directories = '" + dataDir + "'",
          "password_encryption = 'scram-sha-256'",
          "ssl = on",
          "ssl_cert_file = 'server.crt'",
          "ssl_key_file = 'server.key'",
          "max_connections = 40",
          "shared_buffers = 16MB",
          "fsync = off",
          "synchronous_commit = off",
          "full_page_writes = off",
          ""));
      Files.writeString(dataDir.resolve("pg_hba.conf"), String.join("\n",
          "local all all scram-sha-256",
          "host all all 127.0.0.1/32 scram-sha-256",
          ""));
      if (Command.isRoot()) {
        Command.run(root, 30, List.of("chown", "-R", "postgres:postgres", dataDir.toString()));
      }
      Command.run(root, 30, Command.asPostgres(List.of("chmod", "0600", key.toString())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    shutdownHook = new Thread(this::stop, "stop-postgres");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    running = true;
    try {
      Command.run(dataDir.getParent(), 90, Command.asPostgres(List.of(
          bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", dataDir.resolve("server.log").toString(),
          "-w", "-t", "60", "start")));
      // initdb makes only the "postgres" database.
      Command.runWithEnv(dataDir.getParent(), 30, List.of(
          bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "-d", "postgres",
          "-X", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE " + DATABASE), "PGPASSWORD", password);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The loopback port it listens on. */
  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  /** The test CA's certificate (PEM), which signed the server's. */
  public String caPem() {
    return certificates.caPem();
  }

  /** Runs SQL with psql as the test user, returning its unaligned output (for checks from outside Renga). */
  public String sql(String statement) {
    List<String> command = new ArrayList<>(List.of(
        bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "-d", DATABASE,
        "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statement));
    return Command.runWithEnv(dataDir.getParent(), 30, command, "PGPASSWORD", password).strip();
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

  private synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    try {
      Command.run(dataDir.getParent(), 60, Command.asPostgres(List.of(
          bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop")));
    } catch (RuntimeException notRunning) {
      // it never started, or already stopped: nothing left to stop
    }
  }

  /** The newest installed server's binaries (Debian keeps them in /usr/lib/postgresql/VERSION/bin, off the PATH). */
  private static Path binaries() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
          .map(v -> v.resolve("bin"))
          .orElseThrow(() -> new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql: apt-get install postgresql"));
    } catch (IOException e) {
      throw new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql: apt-get install postgresql", e);
    }
  }
}
