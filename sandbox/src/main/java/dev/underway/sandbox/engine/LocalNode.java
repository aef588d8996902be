package dev.underway.sandbox.engine;

/** One server process of a local cluster, on 127.0.0.1. */
public interface LocalNode {

  /** {@code node0}, {@code node1}, ...: also its directory under the cluster's. */
  String name();

  /** Its SQL port. */
  int port();

  default String host() {
    return "127.0.0.1";
  }

  /** {@code 127.0.0.1:port}. */
  default String address() {
    return host() + ":" + port();
  }

  /** One line for people: {@code node1 on 127.0.0.1:5433} and what else the engine says. */
  default String describe() {
    return name() + " on " + address();
  }
}
