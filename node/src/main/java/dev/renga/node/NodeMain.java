package dev.renga.node;

import com.typesafe.config.Config;
import dev.renga.core.ParentProcess;
import dev.renga.core.RengaConfig;
import dev.renga.node.fetch.HandlerCache;
import dev.renga.node.fetch.HandlerFetcher;
import dev.renga.node.fetch.HandlerSettings;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a node JVM: warms the engine, then joins the cluster with role "node". */
public final class NodeMain {
  private static final Logger log = LoggerFactory.getLogger(NodeMain.class);

  private NodeMain() {}

  public static void main(String[] args) {
    start(RengaConfig.load("node"));
  }

  /** Starts a node with the given (already role-applied) config; used by main and by tests. */
  public static ActorSystem<?> start(Config config) {
    NodeSettings settings = NodeSettings.from(config);
    JsEngine engine = new JsEngine();
    long warmStart = System.nanoTime();
    engine.warmUp(settings.warmUpContexts());
    log.info("engine warmed up with {} contexts in {} ms", settings.warmUpContexts(), (System.nanoTime() - warmStart) / 1_000_000);
    NodeStatus status = new NodeStatus();
    ActorSystem<?> system =
        ActorSystem.create(guardian(engine, settings, status, config), RengaConfig.systemName(config), config);
    system.getWhenTerminated().thenRun(engine::close);
    ParentProcess.exitWithParent(system);
    return system;
  }

  private static Behavior<dev.renga.core.NodeProtocol.Command> guardian(
      JsEngine engine, NodeSettings settings, NodeStatus status, Config config) {
    return Behaviors.setup(
        context -> {
          var blocking =
              context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("renga-blocking-dispatcher"));
          HandlerFetcher fetcher = new HandlerFetcher(HandlerSettings.from(config), blocking);
          Sandbox sandbox =
              new Sandbox(
                  engine, fetcher, SandboxSettings.from(config), new RunningTurns(), blocking, new HandlerCache(fetcher));
          NodeAdmin.bind(context.getSystem(), settings, status);
          return NodeGuardian.create(settings, sandbox, status);
        });
  }
}
