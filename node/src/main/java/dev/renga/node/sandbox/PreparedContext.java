package dev.renga.node.sandbox;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;

/**
 * A fresh context made ahead of its requests: runtime.js has run in it (and, in {@code scope}, froze its realm), but no
 * request has opened in it yet. In {@code context} one request takes it, opens in it and closes it when done; in
 * {@code scope} it becomes one handler's context.
 *
 * @param runtime runtime.js's exports: {@code open(bridge)} (a request's entry points) and {@code lockdown()}
 */
public record PreparedContext(Context context, Value runtime) {}
