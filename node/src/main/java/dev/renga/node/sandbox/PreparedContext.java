package dev.renga.node.sandbox;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;

/**
 * A fresh context made ahead of its request: runtime.js has run in it and fetch and friends are declared, but no
 * request has touched it and no host bridge is bound yet. One request takes it, binds its bridge through
 * {@code runtime.run(bridge, handler, ...)}, and closes it when done: a prepared context is never used twice.
 *
 * @param runtime runtime.js's exports: {@code run}, {@code fireTimer}, {@code flush}, {@code outbound}
 */
public record PreparedContext(Context context, Value runtime) {}
