package dev.underway.workflows.evolution;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.kernel.ApprovalPolicy;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Requests for tests, including the runbooks' example inputs loaded as the UI would send them. */
public final class Requests {
  private Requests() {}

  /** The mapper Temporal itself uses to decode workflow input. */
  public static final ObjectMapper TEMPORAL_JSON =
      JacksonJsonPayloadConverter.newDefaultObjectMapper();

  public static final ClusterTarget TARGET =
      ClusterTarget.of("underway-demo", "cockroachdb", "cockroachdb-public", "app");

  public static EvolutionRequest defaults() {
    return new EvolutionRequest(TARGET, null, null, false, "alice");
  }

  /** An approval policy; an empty list of approvers means "anyone" (the field left out). */
  public static EvolutionRequest withApprovers(List<String> approvers, boolean allowSelf,
      String expiry) {
    return new EvolutionRequest(TARGET, null,
        new ApprovalPolicy(approvers.isEmpty() ? null : approvers, allowSelf, expiry, null), false,
        "alice");
  }

  /** Reads a file under runbooks/ (copied to the test classpath by the build). */
  public static String runbookFile(String path) {
    try (InputStream in = Requests.class.getResourceAsStream("/runbooks/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no runbooks/" + path + " on the test classpath");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static EvolutionRequest example(String name) {
    try {
      return TEMPORAL_JSON.readValue(runbookFile("cluster-evolution/" + name),
          EvolutionRequest.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
