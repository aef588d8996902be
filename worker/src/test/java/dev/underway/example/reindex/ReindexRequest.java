package dev.underway.example.reindex;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.ApprovalRules;
import dev.underway.kernel.RequestChecks;
import dev.underway.targets.PostgresTarget;
import dev.underway.targets.TargetPatterns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The input of a {@code ReindexIndex} run. Unknown JSON fields are collected in {@link
 * #unknownFields()}, so that its validation refuses a typo instead of doing less than asked.
 *
 * @param target the PostgreSQL server (or the sandbox's local engine)
 * @param index the index to rebuild, a SQL name
 * @param approval who may decide at the gate; null for anyone
 * @param requestedBy who asks
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReindexRequest(PostgresTarget target, String index, ApprovalPolicy approval,
    String requestedBy, @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  /** Where an operator reads the fields there are. */
  static final String GUIDE = "docs/architecture.md";
  /** What the workflow validates when it is given no request: every field missing. */
  static final ReindexRequest EMPTY = new ReindexRequest(null, null, null, null, null);

  public ReindexRequest {
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  /** Every problem of {@code r}, before anything is started; empty when it is valid. */
  public static List<String> problems(ReindexRequest r) {
    List<String> problems = new ArrayList<>();
    RequestChecks.unknown("request", r.unknownFields(), problems, GUIDE);
    PostgresTarget.check(r.target(), "target", GUIDE, problems);
    RequestChecks.required("index", r.index(), TargetPatterns.SQL_NAME, "an index", problems);
    if (r.approval() != null) {
      RequestChecks.unknown("approval", r.approval().unknownFields(), problems, GUIDE,
          "requiredApprovals");
    }
    ApprovalRules.check(r.approval(), r.requestedBy(), 1, problems);
    return problems;
  }

  /** The target's key ({@code host:port}), or null when the request names none. */
  public String targetKey() {
    return target == null ? null : target.key();
  }
}
