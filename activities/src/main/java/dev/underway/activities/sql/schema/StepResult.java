package dev.underway.activities.sql.schema;

import java.util.List;

/**
 * What a changing step did: whether it changed anything (a repeated call changes nothing), and
 * what, in words an operator reads.
 */
public record StepResult(boolean changed, List<String> done) {

  public StepResult {
    done = List.copyOf(done);
  }

  public static StepResult unchanged(String why) {
    return new StepResult(false, List.of(why));
  }
}
