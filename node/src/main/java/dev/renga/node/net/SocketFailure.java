package dev.renga.node.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/** A socket or look-up failed; handler code sees an Error whose {@code code} is Node's (ECONNREFUSED...). */
public final class SocketFailure extends RuntimeException {
  /** The code of a connection the network policy refused (Renga's own; Node has none). */
  public static final String POLICY = "ERR_RENGA_NETWORK_POLICY";
  /** The code of a per-request socket limit (renga.sandbox.sockets.*). */
  public static final String LIMIT = "ERR_RENGA_SOCKET_LIMIT";

  private final String code;
  private final String syscall;

  public SocketFailure(String code, String message, String syscall) {
    super(message, null, false, false);
    this.code = code;
    this.syscall = syscall;
  }

  public String code() {
    return code;
  }

  public String syscall() {
    return syscall;
  }

  /** Node's code and message for an I/O failure of {@code syscall} ("connect", "read", "write") towards {@code target}. */
  static SocketFailure of(IOException e, String syscall, String target) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    String code;
    if (e instanceof ConnectException && message.contains("refused")) {
      code = "ECONNREFUSED";
    } else if (e instanceof SocketTimeoutException || message.contains("timed out")) {
      code = "ETIMEDOUT";
    } else if (e instanceof NoRouteToHostException || message.contains("no route")) {
      code = "EHOSTUNREACH";
    } else if (message.contains("unreachable")) {
      code = "ENETUNREACH";
    } else if (message.contains("broken pipe")) {
      code = "EPIPE";
    } else {
      code = "ECONNRESET";
    }
    return new SocketFailure(code, syscall + " " + code + " " + target, syscall);
  }
}
