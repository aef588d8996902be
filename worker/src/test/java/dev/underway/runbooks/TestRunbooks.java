package dev.underway.runbooks;

import dev.underway.example.reindex.ReindexRequest;
import dev.underway.example.reindex.ReindexRunbook;
import java.util.List;

/**
 * A runbook that is not registered, for the registry's tests: the example runbook ({@link
 * ReindexRunbook}, whose activities no provider implements) with the key fields and examples a
 * test gives it.
 */
public final class TestRunbooks {
  private TestRunbooks() {}

  /**
   * @param keyFields its discriminator
   * @param examples its example inputs
   */
  public static Runbook<ReindexRequest> reindex(List<String> keyFields, List<String> examples) {
    return new ReindexRunbook() {
      @Override
      public List<String> keyFields() {
        return keyFields;
      }

      @Override
      public List<String> examples() {
        return examples;
      }
    };
  }
}
