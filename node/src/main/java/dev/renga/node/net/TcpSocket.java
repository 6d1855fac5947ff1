package dev.renga.node.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One client TCP connection of handler code, optionally under TLS (from the start, or upgraded later as STARTTLS
 * protocols do). Everything about it runs on its {@link SocketLoop}'s thread; the public methods only post work there.
 * It reads only when asked ({@link #read}: one chunk per request, so a handler that does not consume its data stops
 * the reading, and TCP pushes back on the server) and reports writes as done ({@code written}) once their bytes are
 * handed to the kernel, which is what lets the JS side return false from write() and emit drain.
 */
final class TcpSocket {
  private static final int CHUNK = 64 * 1024;

  private final SocketLoop loop;
  private final int id;
  private final InetSocketAddress address;
  private final String target;
  private final Consumer<SocketEvent> events;
  private SocketChannel channel;
  private SelectionKey key;
  private long connectDeadline;
  private boolean connected;
  private boolean closed;
  private boolean readWanted;
  private boolean inputEnded;
  private boolean endRequested;
  private int endWriteId;
  private boolean outputShut;

  /** Bytes to send, in order, with the write id that ends at each cumulative offset. */
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private final ArrayDeque<long[]> marks = new ArrayDeque<>();
  private long queued;
  private long sent;

  private SSLEngine engine;
  private ByteBuffer netIn;
  private ByteBuffer netOut;
  private ByteBuffer appIn;
  private boolean handshaking;
  /** getPeerCertificate()'s JSON, set on the loop thread once the handshake is done and read by the request's actor. */
  private volatile String peerCertificate;

  private TcpSocket(SocketLoop loop, int id, InetSocketAddress address, Consumer<SocketEvent> events) {
    this.loop = loop;
    this.id = id;
    this.address = address;
    this.target = address.getAddress().getHostAddress() + ":" + address.getPort();
    this.events = events;
  }

  /**
   * Connects to exactly {@code address} (already resolved and approved by the network policy); {@code tls} non-null
   * starts TLS once connected. Events go to {@code events}, from the loop's thread.
   */
  static TcpSocket connect(
      SocketLoop loop, int id, InetSocketAddress address, Duration timeout, boolean noDelay, TlsSetup.Options tls,
      Consumer<SocketEvent> events) {
    TcpSocket socket = create(loop, id, address, events);
    socket.start(timeout, noDelay, tls);
    return socket;
  }

  /** A socket not yet connecting: its owner records it first, so no event can name a socket it does not know. */
  static TcpSocket create(SocketLoop loop, int id, InetSocketAddress address, Consumer<SocketEvent> events) {
    return new TcpSocket(loop, id, address, events);
  }

  /** Starts the connect (once). */
  void start(Duration timeout, boolean noDelay, TlsSetup.Options tls) {
    loop.execute(() -> begin(timeout, noDelay, tls));
  }

  long connectDeadline() {
    return connectDeadline;
  }

  /** The peer's certificate as Node describes it (JSON), or null before a TLS handshake finished. */
  String peerCertificate() {
    return peerCertificate;
  }

  /** Asks for the next chunk of data (the JS stream's _read). */
  void read() {
    loop.execute(() -> {
      readWanted = true;
      pumpSafely();
    });
  }

  /** Queues bytes; {@code written} with {@code writeId} follows once they (and all before) reached the kernel. */
  void write(byte[] bytes, int writeId) {
    loop.execute(() -> {
      if (closed || endRequested) {
        return;
      }
      out.add(ByteBuffer.wrap(bytes));
      queued += bytes.length;
      marks.add(new long[] {queued, writeId});
      pumpSafely();
    });
  }

  /** Ends the writing side once everything queued is sent (TLS: after close_notify); then reports {@code writeId}. */
  void end(int writeId) {
    loop.execute(() -> {
      if (closed || endRequested) {
        return;
      }
      endRequested = true;
      endWriteId = writeId;
      pumpSafely();
    });
  }

  void setNoDelay(boolean on) {
    loop.execute(() -> option(StandardSocketOptions.TCP_NODELAY, on));
  }

  void setKeepAlive(boolean on) {
    loop.execute(() -> option(StandardSocketOptions.SO_KEEPALIVE, on));
  }

  /** Starts TLS on this connected socket (STARTTLS); data from now on is TLS records both ways. */
  void startTls(TlsSetup.Options tls) {
    loop.execute(() -> {
      if (closed) {
        return;
      }
      try {
        beginTls(tls);
        pump();
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    });
  }

  /** Closes the connection at once (destroy(), or the request ended). Any thread. */
  void destroy() {
    loop.execute(this::close);
  }

  private <T> void option(java.net.SocketOption<T> option, T value) {
    if (channel != null && channel.isOpen()) {
      try {
        channel.setOption(option, value);
      } catch (IOException e) {
        // Not every platform lets every option change; Node ignores that too.
      }
    }
  }

  private void begin(Duration timeout, boolean noDelay, TlsSetup.Options tls) {
    if (closed) {
      return;
    }
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, noDelay);
      if (tls != null) {
        beginTls(tls);
      }
      if (channel.connect(address)) {
        key = channel.register(loop.selector(), 0, this);
        connected();
      } else {
        key = channel.register(loop.selector(), SelectionKey.OP_CONNECT, this);
        connectDeadline = System.nanoTime() + timeout.toNanos();
        loop.connecting(this, true);
      }
    } catch (IOException e) {
      fail(SocketFailure.of(e, "connect", target));
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  void connectTimedOut() {
    loop.connecting(this, false);
    if (!connected && !closed) {
      fail(new SocketFailure("ETIMEDOUT", "connect ETIMEDOUT " + target, "connect"));
    }
  }

  /** The selector found the channel ready. */
  void ready(SelectionKey key) {
    if (closed || !key.isValid()) {
      return;
    }
    if (!connected) {
      try {
        if (key.isConnectable() && channel.finishConnect()) {
          loop.connecting(this, false);
          connected();
        }
      } catch (IOException e) {
        loop.connecting(this, false);
        fail(SocketFailure.of(e, "connect", target));
      }
      return;
    }
    pumpSafely();
  }

  private void connected() {
    connected = true;
    InetSocketAddress local;
    try {
      local = (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      local = new InetSocketAddress(0);
    }
    events.accept(SocketEvent.of(
        id, "connect", local.getAddress().getHostAddress(), Integer.toString(local.getPort()),
        address.getAddress().getHostAddress(), Integer.toString(address.getPort()),
        address.getAddress() instanceof java.net.Inet6Address ? "IPv6" : "IPv4"));
    pumpSafely();
  }

  private void beginTls(TlsSetup.Options tls) throws SSLException {
    engine = TlsSetup.engine(tls);
    int packet = engine.getSession().getPacketBufferSize();
    netIn = ByteBuffer.allocate(packet);
    netOut = ByteBuffer.allocate(packet);
    appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    engine.beginHandshake();
    handshaking = true;
  }

  private void pumpSafely() {
    if (closed || !connected) {
      return;
    }
    try {
      pump();
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  private void pump() throws IOException {
    if (engine == null) {
      flushPlain();
      if (readWanted && !inputEnded && !closed) {
        readPlain();
      }
    } else {
      pumpTls();
    }
    interest();
  }

  private void flushPlain() throws IOException {
    while (!out.isEmpty()) {
      ByteBuffer head = out.peek();
      sent += channel.write(head);
      if (head.hasRemaining()) {
        break;
      }
      out.poll();
    }
    reportWritten();
    if (out.isEmpty() && endRequested && !outputShut) {
      channel.shutdownOutput();
      outputShut = true;
      events.accept(SocketEvent.of(id, "written", Integer.toString(endWriteId)));
    }
  }

  private void readPlain() throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    int n = channel.read(buffer);
    if (n > 0) {
      readWanted = false;
      events.accept(new SocketEvent(id, "data", Arrays.copyOf(buffer.array(), n), java.util.List.of()));
    } else if (n < 0) {
      ended();
    }
  }

  private void ended() {
    if (inputEnded) {
      return;
    }
    inputEnded = true;
    readWanted = false;
    events.accept(SocketEvent.of(id, "end"));
  }

  private void reportWritten() {
    long done = -1;
    while (!marks.isEmpty() && marks.peek()[0] <= sent && (engine == null || netOut.position() == 0)) {
      done = marks.poll()[1];
    }
    if (done >= 0) {
      events.accept(SocketEvent.of(id, "written", Long.toString(done)));
    }
  }

  /** Moves TLS along as far as it can go without waiting: handshake, wrapping queued writes, unwrapping reads. */
  private void pumpTls() throws IOException {
    boolean progress = true;
    while (progress && !closed) {
      progress = false;
      if (!flushNet()) {
        break; // the kernel's buffer is full: OP_WRITE brings us back
      }
      HandshakeStatus status = engine.getHandshakeStatus();
      if (status == HandshakeStatus.NEED_TASK) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
          task.run();
        }
        progress = true;
        continue;
      }
      boolean closing = endRequested && out.isEmpty() && !handshaking && !engine.isOutboundDone();
      if (status == HandshakeStatus.NEED_WRAP || (!handshaking && !out.isEmpty()) || closing) {
        if (closing) {
          engine.closeOutbound();
        }
        SSLEngineResult result = engine.wrap(out.toArray(ByteBuffer[]::new), netOut);
        sent += result.bytesConsumed();
        while (!out.isEmpty() && !out.peek().hasRemaining()) {
          out.poll();
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          netOut = grow(netOut, engine.getSession().getPacketBufferSize());
          progress = true;
          continue;
        }
        handshakeDone(result.getHandshakeStatus());
        progress = result.bytesConsumed() > 0 || result.bytesProduced() > 0;
        if (progress) {
          continue;
        }
      }
      handshakeDone(engine.getHandshakeStatus());
      if (readWanted && appIn.position() > 0) {
        deliverAppIn();
      }
      status = engine.getHandshakeStatus();
      boolean unwrapping = status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NEED_UNWRAP_AGAIN;
      if (unwrapping || (!handshaking && readWanted && !inputEnded)) {
        int n = status == HandshakeStatus.NEED_UNWRAP_AGAIN ? 0 : channel.read(netIn);
        if (n < 0 && netIn.position() == 0) {
          if (handshaking) {
            throw new SocketFailure("ECONNRESET", "Client network socket disconnected before secure TLS connection was established", "read");
          }
          if (appIn.position() > 0) {
            deliverAppIn();
          }
          ended();
          break;
        }
        netIn.flip();
        SSLEngineResult result = engine.unwrap(netIn, appIn);
        netIn.compact();
        switch (result.getStatus()) {
          case BUFFER_OVERFLOW -> {
            appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
            progress = true;
          }
          case BUFFER_UNDERFLOW -> {
            if (netIn.remaining() == 0) {
              netIn = grow(netIn, engine.getSession().getPacketBufferSize());
            }
            progress = n > 0;
            if (n < 0) {
              ended();
            }
          }
          case CLOSED -> {
            if (appIn.position() > 0) {
              deliverAppIn();
            }
            if (!inputEnded) {
              ended();
            }
          }
          case OK -> progress = true;
        }
        handshakeDone(result.getHandshakeStatus());
        if (readWanted && appIn.position() > 0) {
          deliverAppIn();
        }
      }
    }
    if (!closed) {
      reportWritten();
      if (endRequested && !outputShut && engine.isOutboundDone() && netOut.position() == 0) {
        channel.shutdownOutput();
        outputShut = true;
        events.accept(SocketEvent.of(id, "written", Integer.toString(endWriteId)));
      }
    }
  }

  /** Writes wrapped bytes out; true when none are left. */
  private boolean flushNet() throws IOException {
    if (netOut.position() == 0) {
      return true;
    }
    netOut.flip();
    channel.write(netOut);
    netOut.compact();
    return netOut.position() == 0;
  }

  private void deliverAppIn() {
    appIn.flip();
    byte[] bytes = new byte[appIn.remaining()];
    appIn.get(bytes);
    appIn.clear();
    readWanted = false;
    events.accept(new SocketEvent(id, "data", bytes, java.util.List.of()));
  }

  private void handshakeDone(HandshakeStatus status) throws SSLPeerUnverifiedException {
    if (!handshaking || (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING)) {
      return;
    }
    handshaking = false;
    var session = engine.getSession();
    Certificate[] chain = session.getPeerCertificates();
    if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
      peerCertificate = PeerCertificate.json(leaf);
    }
    Object error = session.getValue(TlsSetup.AUTHORIZATION_ERROR);
    String alpn = engine.getApplicationProtocol();
    events.accept(SocketEvent.of(
        id, "secure", error == null ? "true" : "false", error == null ? "" : String.valueOf(error),
        alpn == null ? "" : alpn, session.getProtocol(), session.getCipherSuite()));
  }

  private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + atLeast));
    buffer.flip();
    bigger.put(buffer);
    return bigger;
  }

  private void interest() {
    if (closed || key == null || !key.isValid()) {
      return;
    }
    int ops = 0;
    if (engine == null ? !out.isEmpty() : netOut.position() > 0) {
      ops |= SelectionKey.OP_WRITE;
    }
    if (!inputEnded && (readWanted || handshaking)) {
      ops |= SelectionKey.OP_READ;
    }
    key.interestOps(ops);
  }

  private void fail(Throwable e) {
    if (closed) {
      return;
    }
    SocketFailure failure;
    if (e instanceof SocketFailure f) {
      failure = f;
    } else if (e instanceof SSLException ssl) {
      failure = tlsFailure(ssl);
    } else if (e instanceof IOException io) {
      failure = SocketFailure.of(io, connected ? (inputEnded ? "write" : "read") : "connect", target);
    } else {
      failure = new SocketFailure("ERR_SOCKET", String.valueOf(e.getMessage()), "read");
    }
    close();
    events.accept(SocketEvent.error(id, failure));
  }

  private static SocketFailure tlsFailure(SSLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TlsSetup.Unauthorized unauthorized) {
        return new SocketFailure(unauthorized.code(), unauthorized.getMessage(), "tls");
      }
    }
    return new SocketFailure("ERR_SSL_HANDSHAKE_FAILURE", String.valueOf(e.getMessage()), "tls");
  }

  /** Closes the channel; no event (the JS side destroyed it, or the request ended). */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.connecting(this, false);
    if (key != null) {
      key.cancel();
    }
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // closing anyway
    }
  }
}
