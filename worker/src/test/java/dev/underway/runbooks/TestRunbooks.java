package dev.underway.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A runbook that is not registered, for the registry's tests: a REINDEX of one index. */
public final class TestRunbooks {
  private TestRunbooks() {}

  /** Its request: a target, the index, who approves, who asks. */
  public record ReindexRequest(JsonNode target, String index, JsonNode approval,
      String requestedBy) {}

  /** Its activities: an interface no provider implements. */
  public interface ReindexActivities {
    void reindex(String index);
  }

  /**
   * @param keyFields its discriminator
   * @param examples its example inputs
   */
  public static Runbook<ReindexRequest> reindex(List<String> keyFields, List<String> examples) {
    return new Runbook<>() {
      @Override
      public String name() {
        return "reindex";
      }

      @Override
      public String workflowType() {
        return "Reindex";
      }

      @Override
      public String description() {
        return "rebuild one index concurrently";
      }

      @Override
      public Class<?> workflowInterface() {
        throw new UnsupportedOperationException("not registered with a worker");
      }

      @Override
      public Object newWorkflow(String temporalAddress) {
        throw new UnsupportedOperationException("not registered with a worker");
      }

      @Override
      public List<Class<?>> activityInterfaces() {
        return List.of(ReindexActivities.class);
      }

      @Override
      public Class<ReindexRequest> requestType() {
        return ReindexRequest.class;
      }

      @Override
      public List<String> keyFields() {
        return keyFields;
      }

      @Override
      public List<String> problems(ReindexRequest request) {
        return List.of();
      }

      @Override
      public String targetKey(ReindexRequest request) {
        return String.valueOf(request.target());
      }

      @Override
      public String workflowId(ReindexRequest request) {
        return "reindex-" + request.index();
      }

      @Override
      public List<String> examples() {
        return examples;
      }
    };
  }
}
