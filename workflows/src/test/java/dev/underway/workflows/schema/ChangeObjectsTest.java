package dev.underway.workflows.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.activities.schema.ChangeKind;
import dev.underway.activities.schema.ChangeObjects;
import dev.underway.activities.schema.NewColumn;
import dev.underway.activities.schema.TableChange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeObjectsTest {

  private static TableChange on(String schema, String table) {
    return new TableChange(schema, table, null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("a", "text", "b")), null);
  }

  @Test
  void namesFollowTheTable() {
    ChangeObjects o = ChangeObjects.of(on(null, "orders"));
    assertThat(o).isEqualTo(new ChangeObjects("underway_sync_orders", "underway_sync_orders_fn",
        "schema-change/public.orders/reads", "schema-change/public.orders/writes"));
    assertThat(ChangeObjects.of(on("sales", "orders")).readsFlag())
        .isEqualTo("schema-change/sales.orders/reads");
  }

  @Test
  void longNamesStayWithinPostgresIdentifierLimitAndStayDistinct() {
    String long1 = "a".repeat(60) + "_x";
    String long2 = "a".repeat(60) + "_y";
    ChangeObjects one = ChangeObjects.of(on(null, long1));
    ChangeObjects two = ChangeObjects.of(on(null, long2));
    for (String name : List.of(one.trigger(), one.function(), two.trigger())) {
      assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    }
    assertThat(one.trigger()).isNotEqualTo(two.trigger()).isNotEqualTo(one.function());
    String accents = "é".repeat(40);
    assertThat(ChangeObjects.of(on(null, accents)).function()
        .getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
  }
}
