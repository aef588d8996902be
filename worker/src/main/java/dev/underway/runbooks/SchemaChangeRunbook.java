package dev.underway.runbooks;

import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.runbooks.OperatorUpdate.Field;
import dev.underway.runbooks.OperatorUpdate.Shortcut;

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

  private static final Field BY = Field.text("by", "NAME",
      "Who asks; kept in the timeline. Default: $USER.");
  private static final Field REASON = Field.text("reason", "TEXT",
      "Why; kept in the timeline (and shown as the throttle's reason).");
  private static final Field BATCH = Field.wholeNumber("batchSize", "N",
      "The batch size to pin, 1 to " + RequestValidation.MAX_BATCH_SIZE
          + "; 0 makes the backfill adaptive again.");

  private static final Field RATIO = Field.decimalNumber("ratio", "R",
      "The latency guard's ratio from now on: the foreground's p99 is held under R times its"
          + " baseline; above 1.0, at most 10 (the request's default: 1.25).");

  /**
   * The operator's Updates (the names are {@link SchemaChangeWorkflow}'s). {@code override} is
   * one too: the hold before a drop tells a person to send it, with the typed confirmation; it
   * has no shortcut, because its confirmation is read from the hold at that moment.
   */
  @Override
  public List<OperatorUpdate> updates() {
    return List.of(
        OperatorUpdate.withShortcut(SchemaChangeWorkflow.UPDATE_THROTTLE, "pause the running"
            + " backfill at its next batch (it keeps its place and heartbeats) until unthrottle",
            "{\"by\": \"bob\", \"reason\": \"deploy\"}", Shortcut.options(BY, REASON)),
        OperatorUpdate.withShortcut(SchemaChangeWorkflow.UPDATE_UNTHROTTLE,
            "let a throttled backfill go on", "{\"by\": \"bob\"}",
            Shortcut.options(BY, REASON)),
        OperatorUpdate.withShortcut(SchemaChangeWorkflow.UPDATE_SET_BATCH, "pin the running"
            + " backfill's batch size (batchSize 1 to " + RequestValidation.MAX_BATCH_SIZE
            + "; 0 makes it adaptive again)", "{\"by\": \"bob\", \"batchSize\": 200}",
            Shortcut.argumentAndOptions(BATCH, BY, REASON)),
        OperatorUpdate.withShortcut(SchemaChangeWorkflow.UPDATE_SET_RATIO, "set the running"
            + " backfill's latency ratio: the guard holds the foreground's p99 under ratio"
            + " times its baseline from the next batch on (above 1.0, at most 10)",
            "{\"by\": \"bob\", \"ratio\": 1.5}", Shortcut.options(RATIO, BY, REASON)),
        OperatorUpdate.withShortcut(SchemaChangeWorkflow.UPDATE_REVERT, "the killswitch:"
            + " reads back to the old shape at once (old writes back on first if they had"
            + " stopped), the run goes back to gate switch-reads; refused once the contract"
            + " began", "{\"by\": \"bob\", \"reason\": \"5xx\"}",
            Shortcut.options(BY, REASON)),
        OperatorUpdate.of(SchemaChangeWorkflow.UPDATE_OVERRIDE, "while the run holds before a"
            + " drop because writers were seen, drop despite them; confirm is what the hold"
            + " says, typed exactly", "{\"by\": \"bob\", \"reason\": \"batch job, known\","
            + " \"confirm\": \"public.customers.name\"}"));
  }

  @Override
  public String onReject() {
    return "the run rolls back everything it did: reads and writes back to the old shape, then,"
        + " once no new-shape writer is seen, the new columns, the sync trigger, the flags and"
        + " the marker row dropped (nothing written is lost); refused once a change without a"
        + " down has stopped old writes (its point of no return)";
  }

  @Override
  public String onAbort() {
    return "the run stops wherever it is (a running backfill within about a second) and rolls"
        + " back everything it did, as a reject does; refused past the point of no return; once"
        + " the contract's drop has begun nothing is undone (it is idempotent: run the same"
        + " change again)";
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
