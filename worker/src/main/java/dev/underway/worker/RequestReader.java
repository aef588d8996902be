package dev.underway.worker;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import dev.underway.runbooks.Runbook;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.stream.Collectors;

/**
 * Reads a runbook's request strictly, as its type: an unknown field, a wrong type, a duplicate key or
 * trailing garbage fails with the field's path and the line, before anything is sent to Temporal.
 *
 * <p>The model records collect unknown fields (so the workflow can refuse them when a request
 * comes from the UI); here the collecting is switched off so Jackson itself names the field and
 * its line.
 */
public final class RequestReader {

  /** Temporal's own mapper settings (so what parses here decodes the same in the workflow). */
  static final ObjectMapper STRICT = JacksonJsonPayloadConverter.newDefaultObjectMapper()
      .setAnnotationIntrospector(new NoAnySetter())
      .setInjectableValues(new InjectableValues.Std().addValue(NoAnySetter.NOTHING, null))
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private RequestReader() {}

  /** Reads a runbook's request from a file, typed, as strictly; {@code -} reads standard input. */
  public static <R> R fromFile(Path file, InputStream stdin, Runbook<R> runbook) {
    return parse(text(file, stdin), source(file), runbook);
  }

  /** Parses JSON text as a runbook's request; {@code source} names it in messages. */
  public static <R> R parse(String json, String source, Runbook<R> runbook) {
    return parse(json, source, runbook.requestType(), runbook.examples().stream().findFirst()
        .map(e -> "runbooks/" + e).orElse("see `underway runbooks`"));
  }

  /** The text of a request file; {@code -} reads standard input. */
  static String text(Path file, InputStream stdin) {
    try {
      return "-".equals(file.toString())
          ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(file);
    } catch (NoSuchFileException e) {
      throw CommandFailure.badInput("input file " + file + " does not exist", e);
    } catch (IOException e) {
      throw CommandFailure.badInput("cannot read input file " + file + ": " + e.getMessage(), e);
    }
  }

  /** How messages name a request file. */
  static String source(Path file) {
    return "-".equals(file.toString()) ? "standard input" : file.toString();
  }

  /**
   * Parses JSON text as {@code type}, as strictly; {@code source} names it in messages (a file
   * name, or "--input"), {@code example} is shown when the text is empty.
   */
  static <T> T parse(String json, String source, Class<T> type, String example) {
    if (json == null || json.isBlank()) {
      throw CommandFailure.badInput(source + " is empty: give a JSON request, e.g. " + example);
    }
    try {
      return STRICT.readValue(json, type);
    } catch (UnrecognizedPropertyException e) {
      String path = path(e);
      String known = e.getKnownPropertyIds() == null ? "" : " (known fields: "
          + e.getKnownPropertyIds().stream().map(String::valueOf)
              .filter(n -> !n.equals("unknownFields")).sorted()
              .collect(Collectors.joining(", ")) + ")";
      // Records are built after their object is read: find the field's own line.
      JsonLocation at = locate(json, path);
      throw CommandFailure.badInput(source + where(at != null ? at : e.getLocation())
          + ": unknown field '" + path + "'" + known + ": check the spelling", e);
    } catch (JsonMappingException e) {
      StreamReadException parse = parseCause(e);
      if (parse != null) {
        throw malformed(source, parse);
      }
      String path = path(e);
      JsonLocation at = path.isEmpty() ? null : locate(json, path);
      throw CommandFailure.badInput(source + where(at != null ? at : e.getLocation()) + ": "
          + (path.isEmpty() ? "" : "field '" + path + "': ") + firstLine(e.getOriginalMessage()),
          e);
    } catch (JsonProcessingException e) {
      throw malformed(source, e);
    }
  }

  private static CommandFailure malformed(String source, JsonProcessingException e) {
    return CommandFailure.badInput(source + where(e.getLocation()) + ": malformed JSON: "
        + firstLine(e.getOriginalMessage()), e);
  }

  private static StreamReadException parseCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StreamReadException p) {
        return p;
      }
    }
    return null;
  }

  /** Where the value at {@code path} (as {@link #path} writes it) starts, or null. */
  static JsonLocation locate(String json, String path) {
    try (JsonParser p = STRICT.getFactory().createParser(json)) {
      Deque<String> stack = new ArrayDeque<>();
      Deque<Integer> index = new ArrayDeque<>();
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        String here = stack.isEmpty() ? "" : stack.peek();
        switch (t) {
          case FIELD_NAME -> {
            String field = (here.isEmpty() ? "" : here + ".") + p.currentName();
            if (field.equals(path)) {
              return p.currentTokenLocation();
            }
            stack.push(field);
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT) {
              index.push(-1);
            } else if (value == JsonToken.START_ARRAY) {
              index.push(0);
            } else {
              stack.pop();
            }
          }
          case START_OBJECT, START_ARRAY -> {
            // an array element that is itself an object or array
            if (!index.isEmpty() && index.peek() >= 0) {
              int i = index.pop();
              index.push(i + 1);
              String element = here + "[" + i + "]";
              if (element.equals(path)) {
                return p.currentTokenLocation();
              }
              stack.push(element);
              index.push(t == JsonToken.START_OBJECT ? -1 : 0);
            } else if (stack.isEmpty()) {
              stack.push("");
              index.push(t == JsonToken.START_OBJECT ? -1 : 0);
            }
          }
          case END_OBJECT, END_ARRAY -> {
            stack.poll();
            index.poll();
          }
          default -> {
            if (!index.isEmpty() && index.peek() >= 0) {
              int i = index.pop();
              index.push(i + 1);
              if ((here + "[" + i + "]").equals(path)) {
                return p.currentTokenLocation();
              }
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /** {@code target.statefulSett}, {@code phases[1].nodes}. */
  static String path(JsonMappingException e) {
    StringBuilder s = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (s.length() > 0) {
          s.append('.');
        }
        s.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        s.append('[').append(r.getIndex()).append(']');
      }
    }
    return s.toString();
  }

  private static String where(JsonLocation l) {
    return l == null || l.getLineNr() < 1 ? ""
        : ": line " + l.getLineNr() + ", column " + l.getColumnNr();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /**
   * Ignores {@code @JsonAnySetter}, so unknown fields are errors instead of being collected. A
   * JSON factory's any-setter parameter (the records that check whole numbers have one) is
   * given null instead.
   */
  private static final class NoAnySetter extends JacksonAnnotationIntrospector {
    private static final long serialVersionUID = 1L;
    static final String NOTHING = "underway.no-unknown-fields";

    @Override
    public Boolean hasAnySetter(Annotated a) {
      return Boolean.FALSE;
    }

    @Override
    public JacksonInject.Value findInjectableValue(AnnotatedMember m) {
      if (m instanceof AnnotatedParameter && Boolean.TRUE.equals(super.hasAnySetter(m))) {
        return JacksonInject.Value.forId(NOTHING);
      }
      return super.findInjectableValue(m);
    }
  }
}
