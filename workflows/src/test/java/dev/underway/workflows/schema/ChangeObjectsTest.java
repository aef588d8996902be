package dev.underway.workflows.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.TableChange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeObjectsTest {

  private static TableChange on(String schema, String table) {
    return new TableChange(schema, table, null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("a", "text", "b")), null);
  }

  @Test
  void namesFollowTheTableAndTheFlagsTheChange() {
    ChangeObjects o = ChangeObjects.of(on(null, "orders"));
    assertThat(o.trigger()).isEqualTo("underway_sync_orders");
    assertThat(o.function()).isEqualTo("underway_sync_orders_fn");
    assertThat(o.readsFlag()).isEqualTo("schema-change/public.orders/a/reads");
    assertThat(o.writesFlag()).isEqualTo("schema-change/public.orders/a/writes");
    assertThat(o.shapeSetting()).isEqualTo("underway.public__orders__a");
    assertThat(ChangeObjects.of(on("sales", "orders")).readsFlag())
        .isEqualTo("schema-change/sales.orders/a/reads");
    TableChange split = new TableChange(null, "orders", null, ChangeKind.SPLIT_COLUMN,
        List.of(new NewColumn("x", "text", "b"), new NewColumn("y", "text", "b")), null);
    assertThat(ChangeObjects.of(split).writesFlag())
        .isEqualTo("schema-change/public.orders/x,y/writes");
  }

  @Test
  void theColumnTriggersFireBeforeTheSyncTriggerWhateverTheTable() {
    for (String table : List.of("a", "orders", "z".repeat(70), "zzz_last")) {
      ChangeObjects o = ChangeObjects.of(on(null, table));
      assertThat(o.helpers().namedNewTriggers()).singleElement().asString()
          .isLessThan(o.helpers().namedOldTrigger());
      assertThat(o.helpers().namedOldTrigger()).isLessThan(o.trigger());
    }
  }

  @Test
  void longNamesStayWithinPostgresIdentifierLimitAndStayDistinct() {
    String long1 = "a".repeat(60) + "_x";
    String long2 = "a".repeat(60) + "_y";
    ChangeObjects one = ChangeObjects.of(on(null, long1));
    ChangeObjects two = ChangeObjects.of(on(null, long2));
    for (String name : List.of(one.trigger(), one.function(), two.trigger(),
        one.shapeSetting().substring("underway.".length()), one.helpers().strayAt(),
        one.helpers().namedOldTrigger())) {
      assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    }
    assertThat(one.trigger()).isNotEqualTo(two.trigger()).isNotEqualTo(one.function());
    String accents = "é".repeat(40);
    assertThat(ChangeObjects.of(on(null, accents)).function()
        .getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
  }
}
