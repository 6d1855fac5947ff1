package dev.renga.node.testing;

import dev.renga.node.sandbox.Isolation;
import dev.renga.node.sandbox.JsEngine;

/**
 * The isolation level the handler suites run under: {@code context} by default, {@code scope} in the build's second
 * run of the same suites ({@code -Drenga.test.isolation=scope}, node/pom.xml), so both levels pass the same tests.
 */
public final class TestIsolation {
  public static final String PROPERTY = "renga.test.isolation";

  private TestIsolation() {}

  public static Isolation.Settings settings() {
    return Isolation.Settings.CONTEXT.withLevel(Isolation.Level.of(System.getProperty(PROPERTY, "context")));
  }

  /** An engine for the level under test, with {@code pool} contexts prepared ahead. */
  public static JsEngine engine(int pool) {
    return new JsEngine(pool, settings(), false);
  }

  public static boolean scope() {
    return settings().level() == Isolation.Level.SCOPE;
  }
}
