package dev.renga.e2e.servers;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/**
 * A MongoDB wire-protocol server in this JVM (de.bwaldvogel's mongo-java-server, memory backend) on a loopback port,
 * for the mongodb driver in handlers. Stopped by {@link #close()}; its threads end with the test JVM anyway.
 */
public final class InMemoryMongo implements AutoCloseable {
  private final MongoServer server = new MongoServer(new MemoryBackend());
  private final InetSocketAddress address;

  public InMemoryMongo() {
    server.bind("127.0.0.1", 0);
    address = server.getLocalAddress();
  }

  public int port() {
    return address.getPort();
  }

  /** The backend, for checks from outside Renga. */
  public MongoServer server() {
    return server;
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
