package dev.underway.activities.sql.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.TableObservation;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How PostgreSQL plans the backfill's key walk ({@link PostgresSchemaDialect#keyWalk}): the walk
 * is prepared and explained as a generic plan (the cursor unknown, as it is for most batches),
 * never run. An index scan of the key reads each batch's own rows; a sequential scan and a sort
 * read the whole table for every batch.
 */
final class KeyWalkPlan {
  private KeyWalkPlan() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The walk explained takes a batch of the default size. */
  static final int LIMIT = BackfillSettings.DEFAULT_BATCH_SIZE;

  /** The walk's plan: its scan of the table, the index it uses, whether it sorts. */
  static TableObservation.KeyWalk explain(Connection c, TableName table, TableKey key)
      throws SQLException {
    String json;
    try (Statement s = c.createStatement()) {
      s.execute(PostgresCatalogQueries.prepareWalk(table, key, LIMIT));
      try {
        s.execute(PostgresCatalogQueries.GENERIC_PLANS);
        try (ResultSet rs = s.executeQuery(PostgresCatalogQueries.explainWalk(key))) {
          rs.next();
          json = rs.getString(1);
        }
      } finally {
        s.execute(PostgresCatalogQueries.RESET_PLANS);
        s.execute(PostgresCatalogQueries.DEALLOCATE_WALK);
      }
    }
    try {
      return read(JSON.readTree(json).get(0).get("Plan"), table.table());
    } catch (IOException e) {
      throw new SQLException("EXPLAIN of the key walk gave no plan: " + e.getMessage(), e);
    }
  }

  /** The scan of {@code relation} in the plan, and whether any node sorts. */
  static TableObservation.KeyWalk read(JsonNode plan, String relation) {
    JsonNode scan = find(plan, relation);
    boolean sorts = sorts(plan);
    if (scan == null) {
      return new TableObservation.KeyWalk(plan.path("Node Type").asText(), null, sorts);
    }
    String index = scan.hasNonNull("Index Name") ? scan.get("Index Name").asText() : null;
    if (index == null) {
      for (JsonNode child : scan.path("Plans")) {
        if (child.hasNonNull("Index Name")) {
          index = child.get("Index Name").asText();
        }
      }
    }
    return new TableObservation.KeyWalk(scan.path("Node Type").asText(), index, sorts);
  }

  private static JsonNode find(JsonNode node, String relation) {
    if (relation.equals(node.path("Relation Name").asText(null))) {
      return node;
    }
    for (JsonNode child : node.path("Plans")) {
      JsonNode found = find(child, relation);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static boolean sorts(JsonNode node) {
    if (node.path("Node Type").asText("").endsWith("Sort")) {
      return true;
    }
    for (JsonNode child : node.path("Plans")) {
      if (sorts(child)) {
        return true;
      }
    }
    return false;
  }
}
