package dev.underway.workflows.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.kernel.Decision;
import dev.underway.kernel.RunState;
import java.util.List;

/**
 * How a schema change ended.
 *
 * @param state completed, dry run, rejected, aborted, expired
 * @param stoppedAt where a run that did not complete stopped ({@code stage/step}), else null
 * @param message what happened, and what the rollback undid
 * @param plan the plan, when one was computed
 * @param backfill the backfill's figures, when it ran
 * @param verify the last verification, when it ran
 * @param reads the reads flag as the run left it ({@code old} or {@code new}; null before
 *     expand)
 * @param writes the writes flag as the run left it ({@code both} or {@code new})
 * @param decisions every decision received
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchemaChangeResult(RunState state, String stoppedAt, String message,
    SchemaPlan plan, BackfillResult backfill, VerifyResult verify, String reads, String writes,
    List<Decision> decisions) {}
