package dev.underway.worker;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.util.function.Supplier;

/** A client for one namespace, and (on demand) the operator service of the same server. */
public final class TemporalConnection implements AutoCloseable {
  private final WorkflowClient client;
  private final Supplier<OperatorServiceStubs> operatorFactory;
  private final Runnable onClose;
  private OperatorServiceStubs operator;
  private boolean ownsOperator;

  /**
   * @param client the workflow client (its namespace is the one to use)
   * @param operatorFactory makes the operator service stubs when first needed
   * @param onClose releases what this connection owns; runs once
   */
  public TemporalConnection(
      WorkflowClient client, Supplier<OperatorServiceStubs> operatorFactory, Runnable onClose) {
    this.client = client;
    this.operatorFactory = operatorFactory;
    this.onClose = onClose;
  }

  /** A connection that does not own the client (tests: the test environment owns it). */
  public static TemporalConnection borrowed(
      WorkflowClient client, OperatorServiceStubs operator) {
    TemporalConnection c = new TemporalConnection(client, () -> operator, () -> {});
    c.operator = operator;
    c.ownsOperator = false;
    return c;
  }

  public WorkflowClient client() {
    return client;
  }

  public String namespace() {
    return client.getOptions().getNamespace();
  }

  public synchronized OperatorServiceStubs operator() {
    if (operator == null) {
      operator = operatorFactory.get();
      ownsOperator = true;
    }
    return operator;
  }

  @Override
  public synchronized void close() {
    if (operator != null && ownsOperator) {
      operator.shutdown();
      operator = null;
    }
    onClose.run();
  }
}
