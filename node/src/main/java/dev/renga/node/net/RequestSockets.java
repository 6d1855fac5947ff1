package dev.renga.node.net;

import dev.renga.node.fetch.Lookups;
import dev.renga.node.fetch.NetworkPolicy;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * One request's sockets and DNS look-ups: the host side of require('net'), require('tls') and require('dns'). Every
 * connect resolves the name (on a virtual thread), checks every address against the request's network policy and
 * connects to the first, exactly; limits come from renga.sandbox.sockets. The JS-facing methods run on the request's
 * actor thread inside a JS turn; what the I/O thread observes reaches {@code toRequest} (the actor pipes it to itself
 * and calls {@link #deliver} in a turn). When the request ends, {@link #closeAll} closes every socket it opened.
 */
public final class RequestSockets {
  private final SocketLoop loop;
  private final SocketSettings settings;
  private final NetworkPolicy policy;
  private final Resolver resolver;
  private final Consumer<SocketEvent> toRequest;

  private final Map<Integer, Open> sockets = new HashMap<>();
  /** Sockets and look-ups not yet ended; ids of sockets stay until the JS side destroys them or they fail. */
  private final Set<Integer> lookups = new HashSet<>();
  private final Set<Integer> unref = new HashSet<>();
  /** Sockets whose bytes-in budget ran out on the I/O thread: their events are dropped from then on. */
  private final Set<Integer> cut = ConcurrentHashMap.newKeySet();
  private final AtomicLong bytesIn = new AtomicLong();
  /** The request ended: what the I/O thread still reports goes nowhere (rather than to a stopped actor). */
  private volatile boolean ended;
  private long bytesOut;
  private int connects;
  private int nextId = 1;

  /** Name resolution, replaceable in tests. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] addresses(String host) throws UnknownHostException;
  }

  private static final class Open {
    final String host;
    /** Set on the look-up's thread once resolved; read on the actor's. */
    volatile TcpSocket socket;
    /** Destroyed by JS or by the request's end, perhaps before the socket existed. */
    boolean destroyed;

    Open(String host) {
      this.host = host;
    }
  }

  public RequestSockets(
      SocketLoop loop, SocketSettings settings, NetworkPolicy policy, Resolver resolver, Consumer<SocketEvent> toRequest) {
    this.loop = loop;
    this.settings = settings;
    this.policy = policy;
    this.resolver = resolver;
    this.toRequest = toRequest;
  }

  public RequestSockets(SocketLoop loop, SocketSettings settings, NetworkPolicy policy, Consumer<SocketEvent> toRequest) {
    this(loop, settings, policy, InetAddress::getAllByName, toRequest);
  }

  /** Whether sockets or look-ups keep the request's event loop alive (open, referenced sockets; pending look-ups). */
  public boolean keepsAlive() {
    if (!lookups.isEmpty()) {
      return true;
    }
    for (Integer id : sockets.keySet()) {
      if (!unref.contains(id)) {
        return true;
      }
    }
    return false;
  }

  /** Whether an event is still wanted (its socket or look-up was not destroyed since). */
  public boolean wants(SocketEvent event) {
    return sockets.containsKey(event.id()) || lookups.contains(event.id());
  }

  /** Hands an event to JS ({@code socketEvent} is the runtime's entry point); call inside a JS turn. */
  public void deliver(SocketEvent event, Value socketEvent) {
    if (event.type().equals("error") || event.type().equals("resolved")) {
      lookups.remove(event.id());
      Open open = sockets.remove(event.id());
      if (open != null) {
        destroy(open);
      }
    }
    Object data = event.data() == null ? null : ByteBuffer.wrap(event.data()).asReadOnlyBuffer();
    socketEvent.executeVoid(event.id(), event.type(), data, ProxyArray.fromList(new ArrayList<>(event.info())));
  }

  /** Closes every socket of the request: it ended (response sent, timeout, CPU limit, crash). */
  public void closeAll() {
    ended = true;
    sockets.values().forEach(RequestSockets::destroy);
    sockets.clear();
    lookups.clear();
  }

  /** The functions net.js, tls.js and dns.js call (through the runtime), by name. */
  public ProxyObject bridge() {
    Map<String, Object> f = new HashMap<>();
    f.put("connect", (ProxyExecutable) args -> connect(args[0].asString(), args[1].asInt(), args[2].asInt(), args[3].asBoolean(), tls(args, 4)));
    f.put("startTls", (ProxyExecutable) args -> startTls(args[0].asInt(), tls(args, 1)));
    f.put("read", (ProxyExecutable) args -> with(args[0].asInt(), TcpSocket::read));
    f.put("write", (ProxyExecutable) args -> write(args[0].asInt(), args[1], args[2].asInt(), args[3].asInt(), args[4].asInt()));
    f.put("end", (ProxyExecutable) args -> with(args[0].asInt(), s -> s.end(args[1].asInt())));
    f.put("destroy", (ProxyExecutable) args -> destroy(args[0].asInt()));
    f.put("noDelay", (ProxyExecutable) args -> with(args[0].asInt(), s -> s.setNoDelay(args[1].asBoolean())));
    f.put("keepAlive", (ProxyExecutable) args -> with(args[0].asInt(), s -> s.setKeepAlive(args[1].asBoolean())));
    f.put("ref", (ProxyExecutable) args -> ref(args[0].asInt(), args[1].asBoolean()));
    f.put("peerCertificate", (ProxyExecutable) args -> peerCertificate(args[0].asInt()));
    f.put("lookup", (ProxyExecutable) args -> lookup(args[0].asString(), args[1].asInt()));
    return ProxyObject.fromMap(f);
  }

  /**
   * TLS options from JS, from {@code at} on: servername (or null), ca (array of PEM strings), rejectUnauthorized, ALPN
   * names, verifyHost; null when there are none (a plain socket).
   */
  private static TlsSetup.Options tls(Value[] args, int at) {
    if (args.length <= at + 3) {
      return null;
    }
    String servername = args[at].isString() ? args[at].asString() : null;
    boolean verifyHost = args.length <= at + 4 || args[at + 4].isNull() || args[at + 4].asBoolean();
    return new TlsSetup.Options(
        null, 0, servername, strings(args[at + 1]), args[at + 2].asBoolean(), strings(args[at + 3]), verifyHost);
  }

  private static List<String> strings(Value array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.hasArrayElements()) {
      for (long i = 0; i < array.getArraySize(); i++) {
        out.add(array.getArrayElement(i).asString());
      }
    }
    return out;
  }

  private int connect(String host, int port, int family, boolean noDelay, TlsSetup.Options tls) {
    int id = nextId++;
    Open open = new Open(host);
    sockets.put(id, open);
    if (sockets.size() > settings.maxOpen() || connects >= settings.maxConnects()) {
      failLater(id, new SocketFailure(SocketFailure.LIMIT, sockets.size() > settings.maxOpen()
          ? "more than " + settings.maxOpen() + " open sockets in one request (renga.sandbox.sockets.max-open)"
          : "more than " + settings.maxConnects() + " connects in one request (renga.sandbox.sockets.max-connects)",
          "connect"));
      return id;
    }
    connects++;
    resolve(host, port, family).whenComplete((address, failure) -> {
      if (failure != null) {
        toRequest.accept(SocketEvent.error(id, failure(failure)));
        return;
      }
      toRequest.accept(SocketEvent.of(id, "lookup", address.getHostAddress(), family(address), host));
      TlsSetup.Options options = tls == null ? null : tls.at(host, port);
      // The socket is made on the look-up's thread and known to its entry before it connects: the handler acts on
      // it as soon as it hears 'connect'. The request or the handler may have let it go meanwhile (attach closes it).
      TcpSocket socket = TcpSocket.create(loop, id, new InetSocketAddress(address, port), event -> fromLoop(id, event));
      if (attach(open, socket)) {
        socket.start(settings.connectTimeout(), noDelay, options);
      }
    });
    return id;
  }

  /** Sets the socket on its entry; false (and the socket closed) when JS or the request's end destroyed it meanwhile. */
  private static boolean attach(Open open, TcpSocket socket) {
    boolean gone;
    synchronized (open) {
      open.socket = socket;
      gone = open.destroyed;
    }
    if (gone) {
      socket.destroy();
    }
    return !gone;
  }

  private static void destroy(Open open) {
    TcpSocket socket;
    synchronized (open) {
      open.destroyed = true;
      socket = open.socket;
    }
    if (socket != null) {
      socket.destroy();
    }
  }

  /** On the I/O thread: counts bytes read against the request's budget, then passes the event on. */
  private void fromLoop(int id, SocketEvent event) {
    if (ended || cut.contains(id)) {
      return;
    }
    if (event.data() != null && bytesIn.addAndGet(event.data().length) > settings.maxBytesIn()) {
      cut.add(id);
      toRequest.accept(SocketEvent.error(id, new SocketFailure(SocketFailure.LIMIT,
          "more than " + settings.maxBytesIn() + " bytes read by one request's sockets (renga.sandbox.sockets.max-bytes-in)",
          "read")));
      return;
    }
    toRequest.accept(event);
  }

  private Object startTls(int id, TlsSetup.Options tls) {
    Open open = sockets.get(id);
    if (open == null || open.socket == null || tls == null) {
      failLater(id, new SocketFailure("ERR_SOCKET_CLOSED", "the socket to upgrade to TLS is not connected", "tls"));
      return null;
    }
    String host = open.host;
    open.socket.startTls(tls.at(host, 0));
    return null;
  }

  private Object write(int id, Value buffer, int offset, int length, int writeId) {
    Open open = sockets.get(id);
    if (open == null || open.socket == null) {
      return null;
    }
    bytesOut += length;
    if (bytesOut > settings.maxBytesOut()) {
      failLater(id, new SocketFailure(SocketFailure.LIMIT,
          "more than " + settings.maxBytesOut() + " bytes written by one request's sockets (renga.sandbox.sockets.max-bytes-out)",
          "write"));
      return null;
    }
    byte[] bytes = new byte[length];
    buffer.readBuffer(offset, bytes, 0, length);
    open.socket.write(bytes, writeId);
    return null;
  }

  private Object with(int id, Consumer<TcpSocket> action) {
    Open open = sockets.get(id);
    if (open != null && open.socket != null) {
      action.accept(open.socket);
    }
    return null;
  }

  private Object destroy(int id) {
    Open open = sockets.remove(id);
    unref.remove(id);
    if (open != null) {
      destroy(open);
    }
    return null;
  }

  private Object ref(int id, boolean ref) {
    if (ref) {
      unref.remove(id);
    } else {
      unref.add(id);
    }
    return null;
  }

  private Object peerCertificate(int id) {
    Open open = sockets.get(id);
    return open == null || open.socket == null ? null : open.socket.peerCertificate();
  }

  /** dns.lookup: a "resolved" event with [address, family, ...] follows, or an error. */
  private int lookup(String host, int family) {
    int id = nextId++;
    lookups.add(id);
    CompletableFuture.supplyAsync(() -> addresses(host, NetworkPolicy.ANY_PORT, family), Lookups.executor()).whenComplete((addresses, failure) -> {
      if (failure != null) {
        toRequest.accept(SocketEvent.error(id, failure(failure)));
        return;
      }
      List<String> info = new ArrayList<>();
      for (InetAddress address : addresses) {
        info.add(address.getHostAddress());
        info.add(family(address));
      }
      toRequest.accept(new SocketEvent(id, "resolved", null, info));
    });
    return id;
  }

  private CompletableFuture<InetAddress> resolve(String host, int port, int family) {
    return CompletableFuture.supplyAsync(() -> addresses(host, port, family).getFirst(), Lookups.executor());
  }

  /**
   * The host's addresses of the family asked for (0: any), every one of them allowed on {@code port} by the request's
   * policy, its tenant's destinations included ({@link NetworkPolicy#ANY_PORT} for a look-up: allowed on some port).
   */
  List<InetAddress> addresses(String host, int port, int family) {
    policy.hostDenial(host).ifPresent(reason -> {
      throw forbidden(host, reason);
    });
    InetAddress[] all;
    try {
      all = resolver.addresses(host);
    } catch (UnknownHostException e) {
      throw new SocketFailure("ENOTFOUND", "getaddrinfo ENOTFOUND " + host, "getaddrinfo");
    }
    List<InetAddress> matching = new ArrayList<>();
    for (InetAddress address : all) {
      policy.denial(host, address, port).ifPresent(reason -> {
        throw forbidden(host, reason);
      });
      if (family == 0 || (family == 4 && address instanceof Inet4Address) || (family == 6 && address instanceof Inet6Address)) {
        matching.add(address);
      }
    }
    if (matching.isEmpty()) {
      throw new SocketFailure("ENOTFOUND", "getaddrinfo ENOTFOUND " + host, "getaddrinfo");
    }
    return matching;
  }

  private static SocketFailure forbidden(String host, String reason) {
    return new SocketFailure(SocketFailure.POLICY, "connection to " + host + " is forbidden by network policy: " + reason, "connect");
  }

  private static String family(InetAddress address) {
    return address instanceof Inet6Address ? "IPv6" : "IPv4";
  }

  private static SocketFailure failure(Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return cause instanceof SocketFailure f ? f : new SocketFailure("EAI_FAIL", String.valueOf(cause.getMessage()), "getaddrinfo");
  }

  /** Errors are emitted after the call returns, as Node does; this one goes through the actor like any other. */
  private void failLater(int id, SocketFailure failure) {
    toRequest.accept(SocketEvent.error(id, failure));
  }
}
