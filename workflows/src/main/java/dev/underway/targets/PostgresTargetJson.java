package dev.underway.targets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * Reads a {@link PostgresTarget} from JSON: {@code kind} {@code local} (any case, as requests
 * have always been read) is a {@link LocalEngine}; anything else is a {@link PostgresServer},
 * which takes {@code kind} absent or {@code kubernetes} (what a schema change's server target
 * accepted before the kinds had types of their own) and keeps any other word for its validation
 * to name.
 */
final class PostgresTargetJson extends StdDeserializer<PostgresTarget> {

  PostgresTargetJson() {
    super(PostgresTarget.class);
  }

  @Override
  public PostgresTarget deserialize(JsonParser parser, DeserializationContext context)
      throws IOException {
    JsonNode node = context.readTree(parser);
    JsonNode kind = node.get("kind");
    boolean local = kind != null && kind.isValueNode()
        && LocalEngine.KIND.equalsIgnoreCase(kind.asText().strip());
    return local ? context.readTreeAsValue(node, LocalEngine.class)
        : context.readTreeAsValue(node, PostgresServer.class);
  }
}
