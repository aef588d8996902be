package dev.underway.activities.sql.schema;

import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.SqlCredentials;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;

/**
 * A worker process for {@link BackfillWorkerKilledTest}: serves the production schema-change
 * activities on a task queue until it is killed. Arguments: Temporal address, task queue; the
 * database login comes from {@code UNDERWAY_SQL_USER} / {@code UNDERWAY_SQL_PASSWORD}.
 */
public final class BackfillWorkerMain {
  private BackfillWorkerMain() {}

  public static void main(String[] args) throws Exception {
    SqlCredentials creds = new SqlCredentials(System.getenv("UNDERWAY_SQL_USER"),
        System.getenv("UNDERWAY_SQL_PASSWORD"), null);
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
    factory.newWorker(args[1]).registerActivitiesImplementations(
        new PostgresSchemaChangeActivities(ConnectionFactory.jdbc(), target -> creds));
    factory.start();
    System.out.println("worker " + ProcessHandle.current().pid() + " polling " + args[1]);
    Thread.currentThread().join();
  }
}
