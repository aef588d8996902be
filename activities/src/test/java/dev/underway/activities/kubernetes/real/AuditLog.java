package dev.underway.activities.kubernetes.real;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test API server's audit log ({@code audit-policy.yaml}: every service account's requests
 * at Metadata level), read as the requests one user made: what the real authorizer was asked
 * and what it answered.
 */
final class AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One request as RBAC sees it.
   *
   * @param resource the resource, with {@code /subresource} when there is one
   * @param code the HTTP status the server answered
   * @param decision the authorizer's decision ({@code allow} or {@code forbid})
   */
  record Request(String user, String verb, String apiGroup, String resource, String namespace,
      String name, int code, String decision, String uri) {
    /** (apiGroup, resource, verb), as a Role grants it. */
    String grant() {
      return apiGroup + "|" + resource + "|" + verb;
    }
  }

  private final Path file;

  AuditLog(Path file) {
    this.file = file;
  }

  /** Every completed request by {@code user} so far, in order. */
  List<Request> requestsBy(String user) {
    Map<String, Request> byId = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : lines) {
      JsonNode event;
      try {
        event = JSON.readTree(line);
      } catch (IOException e) {
        continue; // a line still being written
      }
      if (!user.equals(event.path("user").path("username").asText())
          || !"ResponseComplete".equals(event.path("stage").asText())) {
        continue;
      }
      JsonNode ref = event.path("objectRef");
      String resource = ref.path("resource").asText()
          + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "");
      byId.put(event.path("auditID").asText(), new Request(user, event.path("verb").asText(),
          ref.path("apiGroup").asText(""), resource, ref.path("namespace").asText(null),
          ref.path("name").asText(null), event.path("responseStatus").path("code").asInt(),
          event.path("annotations").path("authorization.k8s.io/decision").asText(),
          event.path("requestURI").asText()));
    }
    return new ArrayList<>(byId.values());
  }

  static String serviceAccountUser(String namespace, String account) {
    return "system:serviceaccount:" + namespace + ":" + account;
  }
}
