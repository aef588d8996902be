package dev.underway.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.workflows.drift.DriftCheckRequest;
import dev.underway.workflows.evolution.Requests;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.schema.SchemaChangeRequest;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Targets travel as JSON: the examples under runbooks/, and the inputs recorded in the replayed
 * histories, read as they always have, and what is written reads back the same.
 */
class TargetJsonTest {

  private static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();
  private static final Map<String, Class<?>> REQUESTS = Map.of(
      "schema-change", SchemaChangeRequest.class, "SchemaChange", SchemaChangeRequest.class,
      "cluster-evolution", EvolutionRequest.class, "ClusterEvolution", EvolutionRequest.class,
      "drift-check", DriftCheckRequest.class, "DriftCheck", DriftCheckRequest.class);

  @Test
  void kindChoosesTheType() throws Exception {
    assertThat(read("{\"sqlHost\": \"db\", \"sqlPort\": 5432, \"database\": \"a\"}"))
        .isEqualTo(PostgresServer.of("db", 5432, "a"));
    assertThat(read("{\"kind\": \"kubernetes\", \"sqlHost\": \"db\", \"sqlPort\": 5432,"
        + " \"database\": \"a\"}")).isEqualTo(PostgresServer.of("db", 5432, "a"));
    assertThat(read("{\"kind\": \" LOCAL\", \"name\": \"sandbox\", \"database\": \"a\"}"))
        .isEqualTo(new LocalEngine("sandbox", "a"));
    assertThat(read("{\"kind\": \"nomad\", \"database\": \"a\"}").unknownFields())
        .containsEntry("kind", "nomad");
  }

  @Test
  void aFieldOfTheWrongShapeIsNoTarget() {
    assertThatThrownBy(() -> read("{\"sqlHost\": [\"a\"], \"sqlPort\": 5432}"))
        .hasMessageContaining("target.sqlHost must be text");
  }

  @Test
  void eachKindRoundTrips() throws Exception {
    for (PostgresTarget t : List.of(PostgresServer.of("db", 5432, "shop").withSslMode("disable")
        .withCredentialsSecret("db", "pg-admin"), new LocalEngine("sandbox", "app"))) {
      String json = JSON.writeValueAsString(t);
      assertThat(json).doesNotContain("unknownFields").doesNotContain("OrDefault")
          .doesNotContain("\"local\":").doesNotContain("key");
      assertThat(read(json)).isEqualTo(t);
    }
    assertThat(JSON.writeValueAsString(new LocalEngine("sandbox", "app")))
        .isEqualTo("{\"kind\":\"local\",\"name\":\"sandbox\",\"database\":\"app\"}");
  }

  static Stream<Arguments> examples() throws Exception {
    try (Stream<Path> files = Files.walk(
        Path.of(TargetJsonTest.class.getResource("/runbooks").toURI()))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted()
          .map(f -> Arguments.of(f.getParent().getFileName() + "/" + f.getFileName()))
          .toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleReadsAndRoundTrips(String example) throws Exception {
    Class<?> type = REQUESTS.get(example.substring(0, example.indexOf('/')));
    String text = Requests.runbookFile(example);
    assertSameTarget(type, JSON.readTree(text));
  }

  static Stream<Arguments> histories() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/histories"))) {
      return files.sorted().map(f -> Arguments.of(f.getFileName().toString())).toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void everyRecordedInputReadsAsItWasWritten(String history) throws Exception {
    JsonNode started = JSON.readTree(Path.of("src/test/resources/histories", history).toFile())
        .get("events").get(0).get("workflowExecutionStartedEventAttributes");
    Class<?> type = REQUESTS.get(started.get("workflowType").get("name").asText());
    String input = new String(Base64.getDecoder().decode(
        started.get("input").get("payloads").get(0).get("data").asText()),
        StandardCharsets.UTF_8);
    assertSameTarget(type, JSON.readTree(input));
  }

  /** The request reads with no unknown target field, and its target writes back as given. */
  private static void assertSameTarget(Class<?> type, JsonNode given) throws Exception {
    Object request = JSON.treeToValue(given, type);
    Object target = type.getMethod("target").invoke(request);
    @SuppressWarnings("unchecked")
    Map<String, Object> unknown =
        (Map<String, Object>) target.getClass().getMethod("unknownFields").invoke(target);
    assertThat(unknown).isEmpty();
    JsonNode written = JSON.readTree(JSON.writeValueAsString(request));
    assertThat(written.get("target")).isEqualTo(given.get("target"));
    assertThat(JSON.treeToValue(written, type)).isEqualTo(request);
  }

  private static PostgresTarget read(String json) throws Exception {
    return JSON.readValue(json, PostgresTarget.class);
  }
}
