package dev.renga.node.launcher;

import dev.renga.node.Replacement;
import java.util.Optional;
import org.apache.pekko.cluster.Member;

/**
 * What a launcher and its node JVMs tell each other beyond the promotion line on standard input. A node at its request
 * quota writes {@link #replaceLine()} on its standard output, which the launcher reads: it promotes its standby at
 * once. A node that has joined writes {@link #settledLine()} once its compilers have settled under its own traffic:
 * its launcher starts the next standby then, never while the node still warms. A node that catches SIGHUP writes {@link #hangUpsLine()}: from then
 * on the launcher forwards the SIGHUPs it gets to it (before, one would end the JVM). Each line holds a secret token
 * from the launcher, so console output of a handler (which ends up in the same log) cannot fake it. Every node JVM
 * of one launcher carries the cluster role {@link #role()}, by which the old node recognises its replacement among
 * the members.
 */
public final class LauncherLink implements Replacement {
  static final String ID_PROPERTY = "renga.launcher.id";
  static final String TOKEN_PROPERTY = "renga.launcher.token";

  private final String id;
  private final String token;

  LauncherLink(String id, String token) {
    this.id = id;
    this.token = token;
  }

  /** The link to the launcher that started this JVM, if one did. */
  public static Optional<LauncherLink> ofThisJvm() {
    String id = System.getProperty(ID_PROPERTY, "");
    String token = System.getProperty(TOKEN_PROPERTY, "");
    return id.isBlank() || token.isBlank() ? Optional.empty() : Optional.of(new LauncherLink(id, token));
  }

  /** The cluster role every node JVM of this launcher has, beside "node". */
  public String role() {
    return "launcher-" + id;
  }

  String token() {
    return token;
  }

  /** The line a node writes on its standard output to ask for its replacement. */
  String replaceLine() {
    return "[renga-node " + token + "] replace";
  }

  /** The line a node that serves writes on its standard output once its compilers have settled: a standby may start. */
  String settledLine() {
    return "[renga-node " + token + "] settled";
  }

  /** Tells the launcher this node serves with its compilers settled: the next standby may start beside it. */
  public void settled() {
    System.out.println(settledLine());
    System.out.flush();
  }

  /** The line a node writes on its standard output once a SIGHUP reloads its tenants instead of ending it. */
  String hangUpsLine() {
    return "[renga-node " + token + "] hangups";
  }

  /** Tells the launcher that SIGHUPs may be forwarded to this JVM now. */
  public void hangUpsCaught() {
    System.out.println(hangUpsLine());
    System.out.flush();
  }

  @Override
  public boolean ask() {
    System.out.println(replaceLine());
    System.out.flush();
    return true;
  }

  @Override
  public boolean isReplacement(Member member) {
    return member.hasRole(role());
  }
}
