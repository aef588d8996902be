package dev.underway.workflows.schema.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Evidence of writers the writes flag no longer allows, read at the database (its clock): what
 * the sync trigger counted since the flag last changed, and the client sessions whose recent
 * query names a column that is about to go. Nothing secret: no query text, only how many and who
 * (application name, else user).
 *
 * @param writes the writes flag now ({@code both}, {@code new} or {@code old}); null when the
 *     change has no flags (not expanded, or rolled back)
 * @param strayWrites writes of a shape the flag no longer allows, counted by the sync trigger
 *     since the flag last changed: after {@code writes=new} old-shape writes and writes naming a
 *     column the contract drops; after {@code writes=old} new-shape writes; while {@code both}
 *     writes of the old shape only (informational)
 * @param lastStrayAt when the last one was (ISO-8601), null when none
 * @param sessions client sessions (Underway's own left out) whose query started within the
 *     window names the table and a column about to go: the old side after {@code writes=new},
 *     the new columns after {@code writes=old}; 0 otherwise
 * @param sessionNames their application names (or users), at most ten
 * @param sessionsVisible whether the SQL user may read other sessions' queries (superuser or
 *     {@code pg_read_all_stats}); when false, {@code sessions} sees only its own role's
 * @param quietMillis how long, at the database, since the flag changed, the last stray write
 *     and the last such session's query, whichever is latest
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WriterEvidence(String writes, long strayWrites, String lastStrayAt, int sessions,
    List<String> sessionNames, boolean sessionsVisible, long quietMillis) {

  public WriterEvidence {
    sessionNames = sessionNames == null ? List.of() : List.copyOf(sessionNames);
  }

  /** One line for a gate, the status and a hold's reason. */
  public String summary() {
    StringBuilder s = new StringBuilder().append(strayWrites).append(" stray write(s)");
    if (lastStrayAt != null) {
      s.append(", the last at ").append(lastStrayAt);
    }
    s.append("; ").append(sessions).append(" session(s) naming the column(s) recently");
    if (!sessionNames.isEmpty()) {
      s.append(" (").append(String.join(", ", sessionNames)).append(')');
    }
    if (!sessionsVisible) {
      s.append(" [the SQL user cannot see other roles' queries: grant it pg_read_all_stats]");
    }
    return s.append("; quiet for ").append(quietMillis / 1000).append(" s").toString();
  }
}
