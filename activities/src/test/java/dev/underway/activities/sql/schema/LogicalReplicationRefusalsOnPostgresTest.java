package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.SchemaChangeLifecycleOnPostgresTest.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.SchemaFailures;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.kernel.FailureKind;
import dev.underway.local.postgres.LocalPostgres;
import dev.underway.kernel.ChangeResult.Outcome;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table in logical replication, between two real servers ({@code wal_level=logical}): a
 * published table (a listed table, {@code FOR TABLES IN SCHEMA}, {@code FOR ALL TABLES}) and a
 * subscribed one are observed with their publications and subscriptions, and expand refuses them
 * before any change unless the request says their other ends were changed first.
 */
class LogicalReplicationRefusalsOnPostgresTest {

  private static final String OWNER = "schema-change/replicated";

  @TempDir static Path dir;
  private static LocalPostgres publisher;
  private static LocalPostgres subscriber;
  private static SchemaFixture shop;
  private static SchemaFixture everything;
  private static SchemaFixture replica;

  private TestActivityEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> logical = Map.of("wal_level", "logical");
    publisher = LocalPostgres.start(LocalPostgres.Options.under(dir)
        .withInstanceName("publisher").withSettings(logical));
    subscriber = LocalPostgres.start(LocalPostgres.Options.under(dir)
        .withInstanceName("subscriber").withSettings(logical));
    shop = new SchemaFixture(publisher, "shop");
    shop.amounts("orders", 10);
    shop.amounts("unpublished", 10);
    shop.sql("CREATE PUBLICATION orders_pub FOR TABLE orders", "CREATE SCHEMA books",
        "CREATE TABLE books.entries (id bigint PRIMARY KEY, amount integer NOT NULL)",
        "CREATE PUBLICATION books_pub FOR TABLES IN SCHEMA books");
    everything = new SchemaFixture(publisher, "everything");
    everything.amounts("orders", 10);
    everything.sql("CREATE PUBLICATION all_pub FOR ALL TABLES");
    replica = new SchemaFixture(subscriber, "shop");
    replica.sql("CREATE TABLE orders (id bigint PRIMARY KEY, amount integer NOT NULL,"
            + " note text)",
        "CREATE SUBSCRIPTION orders_sub CONNECTION 'host=" + publisher.host() + " port="
            + publisher.port() + " dbname=shop user=" + publisher.superuser() + " password="
            + publisher.superuserPassword() + "' PUBLICATION orders_pub");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> replica.count("SELECT count(*) FROM orders") == 10);
  }

  @AfterAll
  static void stop() throws Exception {
    if (replica != null) {
      replica.sql("DROP SUBSCRIPTION orders_sub");
    }
    if (subscriber != null) {
      subscriber.close();
    }
    if (publisher != null) {
      publisher.close();
    }
  }

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aPublishedTableIsRefusedUnlessItsSubscribersWereChangedFirst() throws Exception {
    SchemaChangeActivities activities = shop.activities(env);
    TableChange change = SchemaFixture.typeChange("orders");
    TableObservation seen = activities.observe(shop.target(), change, null);
    assertThat(seen.publications()).containsExactly("orders_pub");
    assertThat(seen.subscriptions()).isEmpty();
    String before = seen.catalogue();

    ApplicationFailure refused = assertFailure(
        () -> activities.expand(shop.target(), change, OWNER), SchemaFailures.UNSAFE_CHANGE.type());

    assertThat(refused.getOriginalMessage()).startsWith(FailureKind.REFUSED)
        .contains("public.orders is published (publication orders_pub): once expand adds"
            + " amount_v2, a subscriber whose copy lacks the column(s) stops applying");
    assertThat(activities.observe(shop.target(), change, null).catalogue()).isEqualTo(before);
    TableChange told = change.withSubscribersChangedFirst(true);
    assertThat(activities.expand(shop.target(), told, OWNER).outcome())
        .isEqualTo(Outcome.UPDATED);
    activities.undoExpand(shop.target(), told, OWNER);
    assertThat(activities.observe(shop.target(), change, null).catalogue()).isEqualTo(before);
    assertThat(activities.observe(shop.target(), SchemaFixture.typeChange("unpublished"), null)
        .publications()).isEmpty();
  }

  @Test
  void schemaAndAllTablesPublicationsAreFoundToo() throws Exception {
    TableChange entries = new TableChange("books", "entries", null,
        SchemaFixture.typeChange("entries").kind(), SchemaFixture.typeChange("entries").add(),
        SchemaFixture.typeChange("entries").replace());
    // one server: its activities reach both databases, each named by its target
    SchemaChangeActivities activities = shop.activities(env);
    assertThat(activities.observe(shop.target(), entries, null).publications())
        .containsExactly("books_pub (FOR TABLES IN SCHEMA)");

    TableChange change = SchemaFixture.typeChange("orders");
    assertThat(activities.observe(everything.target(), change, null).publications())
        .containsExactly("all_pub (FOR ALL TABLES)");
    ApplicationFailure refused = assertFailure(
        () -> activities.expand(everything.target(), change, OWNER),
            SchemaFailures.UNSAFE_CHANGE.type());
    assertThat(refused.getOriginalMessage()).contains("(with underway_flags and"
        + " underway_schema_changes, which expand creates and such a publication publishes"
        + " too)");
    assertThat(everything.scalar("SELECT to_regclass('underway_flags')")).isNull();
  }

  @Test
  void aSubscribedTableIsRefusedUnlessItsPublisherWasChangedFirst() throws Exception {
    SchemaChangeActivities activities = replica.activities(env);
    TableChange change = SchemaFixture.typeChange("orders");
    TableObservation seen = activities.observe(replica.target(), change, null);
    assertThat(seen.subscriptions()).containsExactly("orders_sub");
    assertThat(seen.publications()).isEmpty();

    ApplicationFailure refused = assertFailure(
        () -> activities.expand(replica.target(), change, OWNER),
            SchemaFailures.UNSAFE_CHANGE.type());

    assertThat(refused.getOriginalMessage()).contains("public.orders is written by logical"
        + " replication (subscription orders_sub): its writes are synced like any other");
    assertThat(activities.observe(replica.target(), change, null).catalogue())
        .isEqualTo(seen.catalogue());
  }
}
