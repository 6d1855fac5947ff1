package dev.renga.node.net;

import java.util.List;

/**
 * Something that happened to one of a request's sockets or look-ups, reported by the I/O thread and handed to the
 * request's JavaScript in a turn of the request's own: {@code type} is what JS dispatches on, {@code data} the bytes
 * read (for {@code data}), {@code info} the rest as strings.
 */
public record SocketEvent(int id, String type, byte[] data, List<String> info) {

  static SocketEvent of(int id, String type, String... info) {
    return new SocketEvent(id, type, null, List.of(info));
  }

  static SocketEvent error(int id, SocketFailure failure) {
    return new SocketEvent(id, "error", null, List.of(failure.code(), failure.getMessage(), failure.syscall()));
  }
}
