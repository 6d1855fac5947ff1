package dev.renga.node;

import org.apache.pekko.cluster.Member;

/**
 * How a node that reached its request quota gets a replacement before it leaves (make-before-break recycles): it asks
 * its launcher to promote the standby, serves on, and drains once the replacement is a routed member of the cluster.
 */
public interface Replacement {
  /** No one to ask (a node without a launcher, or on a fixed port its replacement could not bind): recycle at once. */
  Replacement NONE =
      new Replacement() {
        @Override
        public boolean ask() {
          return false;
        }

        @Override
        public boolean isReplacement(Member member) {
          return false;
        }
      };

  /** Asks for a replacement; false when there is no one to ask. */
  boolean ask();

  /** Whether this cluster member is the replacement asked for (the node itself excluded by the caller). */
  boolean isReplacement(Member member);
}
