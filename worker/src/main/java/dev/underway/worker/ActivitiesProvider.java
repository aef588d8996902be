package dev.underway.worker;

import java.util.List;

/**
 * Supplies the activity implementations a worker registers: the seam between the {@code
 * underway worker} command and the real Kubernetes / SQL activities.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader}: a provider class with a public
 * no-argument constructor, listed in {@code
 * META-INF/services/dev.underway.worker.ActivitiesProvider}. The worker uses the one named with
 * {@code --activities NAME}, else the only provider on the classpath, else the {@link
 * #production()} one.
 *
 * <p>The worker calls {@link #activities} once at start, and {@link #close()} after the worker
 * has stopped polling and running activities have finished (or the shutdown bound passed):
 * close clients and connection pools there.
 */
public interface ActivitiesProvider extends AutoCloseable {

  /** Short name used by {@code --activities}, e.g. {@code kubernetes}. */
  String name();

  /**
   * Whether this is the production provider, the one {@code underway worker} uses when {@code
   * --activities} is not given and several are on the classpath (the sandbox jar has the local
   * provider next to it). Exactly one provider may say so.
   */
  default boolean production() {
    return false;
  }

  /** One line for the worker's log: what the activities talk to. */
  default String description() {
    return name();
  }

  /**
   * The activity implementations (objects implementing {@code @ActivityInterface}s), e.g. a
   * {@code PlatformActivities} and a {@code DatabaseActivities}. Throw with an operator-readable
   * message when a needed setting is missing; the worker prints it and exits 1.
   */
  List<Object> activities(WorkerContext context) throws Exception;

  @Override
  default void close() throws Exception {}
}
