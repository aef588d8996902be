package dev.underway.workflows.schema;

import org.junit.jupiter.api.AfterEach;

/**
 * Tests that run the {@code bigint-amount} example once per test on an {@link InMemoryTable}:
 * {@link #start} starts the run, and its test environment is closed after the test.
 */
abstract class AmountChangeRuns {

  static final SchemaChangeRequest AMOUNT = SchemaTestSupport.example("bigint-amount");
  static final String CONFIRM = "public.orders.amount";

  /** The running test's environment; null before {@link #start}. */
  SchemaTestSupport t;

  @AfterEach
  void closeRun() {
    if (t != null) {
      t.close();
    }
  }

  /** Starts the example's run on {@code table}. */
  SchemaChangeWorkflow start(InMemoryTable table) {
    t = new SchemaTestSupport(table);
    return t.start(AMOUNT);
  }
}
