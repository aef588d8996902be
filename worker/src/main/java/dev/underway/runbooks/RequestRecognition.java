package dev.underway.runbooks;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Which runbook a JSON request given without {@code --runbook} is for, from what each runbook
 * declares and nothing else: its key fields ({@link Runbook#keyFields()}, e.g. a drift check's
 * {@code declared}) and the top-level fields its request type takes. No runbook is the default,
 * and a new runbook is recognised without editing another.
 *
 * <ol>
 *   <li>A runbook <em>claims</em> a request that has every one of its key fields.
 *   <li>Of the claimants, the ones whose request type takes every top-level field of the request
 *       <em>fit</em> it: exactly one fitting is the answer; several are an ambiguity (the
 *       operator names one with {@code --runbook}).
 *   <li>When none fits (a field is misspelled or unknown), the claimant with the most key fields
 *       is the nearest and the request is read as its own, so the strict read names the field
 *       and its line; a tie, or no claimant, is an error naming the runbooks.
 * </ol>
 */
public final class RequestRecognition {
  private RequestRecognition() {}

  /** What recognition found: the runbook, and whether the request fits it or only comes near. */
  public record Recognized(Runbook<?> runbook, boolean fits) {}

  /** Why no single runbook could be chosen: an operator's sentence. */
  public static final class Unrecognized extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Unrecognized(String message) {
      super(message);
    }
  }

  private static final ObjectMapper MAPPER = JacksonJsonPayloadConverter.newDefaultObjectMapper();
  private static final Map<Class<?>, Set<String>> FIELDS = new ConcurrentHashMap<>();

  /** The runbook of {@code runbooks} that {@code request} is for; throws {@link Unrecognized}. */
  public static Recognized recognize(JsonNode request, List<Runbook<?>> runbooks) {
    Set<String> given = topLevelFields(request);
    List<Runbook<?>> claimants = runbooks.stream()
        .filter(r -> given.containsAll(r.keyFields())).toList();
    List<Runbook<?>> fitting = claimants.stream()
        .filter(r -> fieldsOf(r.requestType()).containsAll(given)).toList();
    if (fitting.size() == 1) {
      return new Recognized(fitting.get(0), true);
    }
    if (fitting.size() > 1) {
      throw new Unrecognized("this request could be for any of " + names(fitting)
          + " (each takes all its fields: " + String.join(", ", given) + ")");
    }
    int most = claimants.stream().mapToInt(r -> r.keyFields().size()).max().orElse(-1);
    List<Runbook<?>> nearest = claimants.stream()
        .filter(r -> r.keyFields().size() == most).toList();
    if (nearest.size() == 1) {
      return new Recognized(nearest.get(0), false);
    }
    throw new Unrecognized("no runbook takes this request (its fields: "
        + (given.isEmpty() ? "none" : String.join(", ", given)) + "; "
        + runbooks.stream().map(r -> r.name() + " takes " + discriminator(r))
            .collect(Collectors.joining("; ")) + ")");
  }

  /** How a runbook is recognised, in words: for messages and {@code underway runbooks}. */
  public static String discriminator(Runbook<?> r) {
    return r.keyFields().isEmpty()
        ? "a request with no field but " + String.join(", ", fieldsOf(r.requestType()))
        : "a request with " + String.join(" and ", r.keyFields());
  }

  /**
   * The top-level fields a request type takes, as its strict reader knows them (a field an
   * any-setter only collects, to be refused by the workflow, is not one).
   */
  public static Set<String> fieldsOf(Class<?> type) {
    return FIELDS.computeIfAbsent(type, RequestRecognition::introspect);
  }

  private static Set<String> introspect(Class<?> type) {
    try {
      DeserializationContext context = ((DefaultDeserializationContext)
          MAPPER.getDeserializationContext()).createDummyInstance(
              MAPPER.getDeserializationConfig());
      JsonDeserializer<?> d = context.findRootValueDeserializer(MAPPER.constructType(type));
      if (!(d instanceof BeanDeserializerBase bean)) {
        throw new IllegalStateException(type.getName() + " is not read as an object with"
            + " fields: a runbook's request must be");
      }
      return bean.getKnownPropertyNames().stream().map(String::valueOf)
          .filter(name -> !collectsUnknownFields(type, name))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (JsonMappingException e) {
      throw new IllegalStateException("cannot read the fields of " + type.getName(), e);
    }
  }

  /** The record component that collects unknown fields for the workflow to refuse. */
  private static boolean collectsUnknownFields(Class<?> type, String name) {
    try {
      return type.getDeclaredField(name).isAnnotationPresent(JsonAnySetter.class);
    } catch (NoSuchFieldException e) {
      return false;
    }
  }

  private static Set<String> topLevelFields(JsonNode request) {
    if (request == null || !request.isObject()) {
      return new TreeSet<>();
    }
    return StreamSupport.stream(((Iterable<String>) request::fieldNames).spliterator(), false)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<String> names(List<Runbook<?>> runbooks) {
    return runbooks.stream().map(Runbook::name).sorted(Comparator.naturalOrder()).toList();
  }
}
