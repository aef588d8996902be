package dev.underway.runbooks;

import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.RequestValidation;
import dev.underway.workflows.schema.SchemaChangeRequest;
import dev.underway.workflows.schema.SchemaChangeWorkflow;
import dev.underway.workflows.schema.SchemaChangeWorkflowImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code schema-change}: an expand/contract change of a live PostgreSQL table (expand, backfill,
 * verify, switch reads, stop old writes, contract), a gate before each change. Served by a
 * worker whose activities include a {@link SchemaChangeActivities} (the production worker's SQL
 * activities against the target's PostgreSQL).
 */
final class SchemaChangeRunbook implements Runbook<SchemaChangeRequest> {

  @Override
  public String name() {
    return SchemaChangeWorkflow.RUNBOOK;
  }

  @Override
  public String workflowType() {
    return SchemaChangeWorkflow.TYPE;
  }

  @Override
  public String description() {
    return "change a live PostgreSQL table's shape by expand/contract (dual write, throttled"
        + " backfill, verify, read switch with a killswitch, a destructive contract), a gate"
        + " before each change";
  }

  @Override
  public Class<?> workflowInterface() {
    return SchemaChangeWorkflow.class;
  }

  @Override
  public Object newWorkflow(String temporalAddress) {
    return new SchemaChangeWorkflowImpl(temporalAddress);
  }

  @Override
  public List<Class<?>> activityInterfaces() {
    return List.of(SchemaChangeActivities.class);
  }

  @Override
  public Class<SchemaChangeRequest> requestType() {
    return SchemaChangeRequest.class;
  }

  /** A request with a {@code change}. */
  @Override
  public List<String> keyFields() {
    return List.of("change");
  }

  @Override
  public List<String> problems(SchemaChangeRequest request) {
    return RequestValidation.problems(request);
  }

  @Override
  public SchemaChangeRequest withRequester(SchemaChangeRequest r, String given,
      String currentUser) {
    return r.withRequestedBy(given != null ? given
        : r.requestedBy() != null ? r.requestedBy() : currentUser);
  }

  @Override
  public Optional<String> requestedBy(SchemaChangeRequest request) {
    return Optional.ofNullable(request.requestedBy());
  }

  @Override
  public String targetKey(SchemaChangeRequest request) {
    return request.targetKey();
  }

  @Override
  public String workflowId(SchemaChangeRequest request) {
    return SchemaChangeWorkflow.workflowId(request);
  }

  @Override
  public Optional<SchemaChangeRequest> dryRun(SchemaChangeRequest request) {
    return Optional.of(request.withDryRun(true));
  }

  @Override
  public boolean isDryRun(SchemaChangeRequest request) {
    return request.isDryRun();
  }

  @Override
  public Class<?> dryRunResultType() {
    return dev.underway.workflows.schema.SchemaChangeResult.class;
  }

  @Override
  public List<String> examples() {
    return List.of("schema-change/split-name.json", "schema-change/bigint-amount.json",
        "schema-change/full-name.json", "schema-change/plan.json");
  }

  /** {@code public.orders CHANGE_TYPE: add amount_cents bigint = amount::bigint; ...}. */
  @Override
  public String change(SchemaChangeRequest request) {
    TableChange c = request.change();
    if (c == null) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    c.addOrEmpty().forEach(n -> parts.add("add " + n.name() + " " + n.type() + " = " + n.up()));
    c.replaceOrEmpty().forEach(o -> parts.add("replace " + o.name()
        + (o.down() == null ? " (no down)" : " (down: " + o.name() + " = " + o.down() + ")")));
    return c.qualifiedTable() + " " + c.kind() + ": " + String.join("; ", parts);
  }
}
