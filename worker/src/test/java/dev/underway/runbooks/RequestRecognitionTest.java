package dev.underway.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.example.reindex.ReindexRequest;
import dev.underway.workflows.evolution.Requests;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each runbook is recognised from what it declares, with no default: every example input and
 * every request its guide shows is recognised as its own, whatever else is registered; a new
 * runbook is recognised without editing another; a request two runbooks take, or none, is an
 * error naming them.
 */
class RequestRecognitionTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** Every request a runbook documents: its example inputs and the JSON in its guide. */
  static List<String> documented(Runbook<?> r) throws IOException {
    List<String> requests = new ArrayList<>();
    r.examples().forEach(e -> requests.add(Requests.runbookFile(e)));
    try (InputStream guide = RequestRecognitionTest.class.getResourceAsStream(
        "/runbooks/" + r.name() + ".md")) {
      if (guide != null) {
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL)
            .matcher(new String(guide.readAllBytes(), StandardCharsets.UTF_8));
        while (m.find()) {
          requests.add(m.group(1));
        }
      }
    }
    return requests;
  }

  void assertEveryDocumentedRequestIsItsOwn(List<Runbook<?>> registry) throws IOException {
    for (Runbook<?> r : Runbooks.ALL) {
      List<String> requests = documented(r);
      assertThat(requests).as(r.name() + " documents a request").isNotEmpty();
      for (String request : requests) {
        assertThat(RequestRecognition.recognize(json(request), registry))
            .as(r.name() + ": " + request)
            .isEqualTo(new RequestRecognition.Recognized(r, true));
      }
    }
  }

  @Test
  void everyExampleAndEveryGuidesRequestIsRecognisedAsItsOwnRunbook() throws IOException {
    assertEveryDocumentedRequestIsItsOwn(Runbooks.ALL);
    assertThat(Runbooks.ALL.stream().mapToInt(r -> r.examples().size()).sum())
        .as("the examples are all loaded").isGreaterThanOrEqualTo(9);
  }

  @Test
  void aNewRunbookIsRecognisedWithoutEditingAnotherAndChangesNoOtherRecognition()
      throws IOException {
    Runbook<ReindexRequest> reindex = TestRunbooks.reindex(List.of("index"), List.of());
    List<Runbook<?>> registry = Stream.concat(Runbooks.ALL.stream(), Stream.of(reindex))
        .toList();
    assertEveryDocumentedRequestIsItsOwn(registry);
    assertThat(RequestRecognition.recognize(json(
        "{\"target\": {\"sqlHost\": \"h\"}, \"index\": \"orders_pkey\"}"), registry))
        .isEqualTo(new RequestRecognition.Recognized(reindex, true));
  }

  @Test
  void aRequestTwoRunbooksTakeIsAnErrorNamingBoth() {
    // a careless new runbook: no key field, and it takes every field an evolution request has
    Runbook<ReindexRequest> greedy = TestRunbooks.reindex(List.of(), List.of());
    List<Runbook<?>> registry = Stream.concat(Runbooks.ALL.stream(), Stream.of(greedy))
        .toList();
    assertThatThrownBy(() -> RequestRecognition.recognize(
        json(Requests.runbookFile("cluster-evolution/evolve.json")), registry))
        .isInstanceOf(RequestRecognition.Unrecognized.class)
        .hasMessage("this request could be for any of [cluster-evolution, reindex-index] (each"
            + " takes all its fields: approval, requestedBy, target)");
  }

  @Test
  void aRequestNoRunbookTakesNamesEveryRunbooksDiscriminator() {
    // an even tie between two nearest runbooks
    Runbook<ReindexRequest> reindex = TestRunbooks.reindex(List.of("index"), List.of());
    List<Runbook<?>> registry = Stream.concat(Runbooks.ALL.stream(), Stream.of(reindex))
        .toList();
    assertThatThrownBy(() -> RequestRecognition.recognize(
        json("{\"declared\": {}, \"index\": \"i\", \"extra\": 1}"), registry))
        .isInstanceOf(RequestRecognition.Unrecognized.class)
        .hasMessageContaining("no runbook takes this request (its fields: declared, extra,"
            + " index; cluster-evolution takes a request with no field but approval, dryRun,"
            + " phases, requestedBy, target; drift-check takes a request with declared;"
            + " schema-change takes a request with change; reindex-index takes a request with"
            + " index)");
  }

  @Test
  void aMisspelledFieldIsReadAsTheNearestRunbooksSoItsReaderNamesIt() {
    assertThat(RequestRecognition.recognize(json("{\"dryrun\": true}"), Runbooks.ALL))
        .isEqualTo(new RequestRecognition.Recognized(Runbooks.CLUSTER_EVOLUTION, false));
    assertThat(RequestRecognition.recognize(json(
        "{\"target\": {}, \"declared\": {}, \"phasess\": []}"), Runbooks.ALL))
        .isEqualTo(new RequestRecognition.Recognized(Runbooks.DRIFT_CHECK, false));
    assertThat(RequestRecognition.recognize(json("{\"target\": {}}"), Runbooks.ALL))
        .isEqualTo(new RequestRecognition.Recognized(Runbooks.CLUSTER_EVOLUTION, true));
  }

  @Test
  void aRequestTypesFieldsAreWhatItsStrictReaderTakes() {
    assertThat(RequestRecognition.fieldsOf(EvolutionRequest.class)).as("no unknownFields")
        .containsExactly("approval", "dryRun", "phases", "requestedBy", "target");
    assertThat(RequestRecognition.fieldsOf(Runbooks.SCHEMA_CHANGE.requestType()))
        .contains("change", "target", "batchSize").doesNotContain("unknownFields");
  }
}
