package dev.underway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.underway.architecture.DeterminismOffenders.CallsAWorkflowClient;
import dev.underway.architecture.DeterminismOffenders.CallsTheActivityApi;
import dev.underway.architecture.DeterminismOffenders.CreatesADateOfNow;
import dev.underway.architecture.DeterminismOffenders.DependsOnALibraryBeyondTheSdk;
import dev.underway.architecture.DeterminismOffenders.HasAStaticFinalArray;
import dev.underway.architecture.DeterminismOffenders.HasAStaticFinalArrayList;
import dev.underway.architecture.DeterminismOffenders.HasAStaticFinalHashMap;
import dev.underway.architecture.DeterminismOffenders.HasStaticMutableState;
import dev.underway.architecture.DeterminismOffenders.KeepsAThreadLocal;
import dev.underway.architecture.DeterminismOffenders.ReadsAFile;
import dev.underway.architecture.DeterminismOffenders.ReadsAllSystemProperties;
import dev.underway.architecture.DeterminismOffenders.ReadsAnIntegerSystemProperty;
import dev.underway.architecture.DeterminismOffenders.ReadsInstantNow;
import dev.underway.architecture.DeterminismOffenders.ReadsLocalDateNow;
import dev.underway.architecture.DeterminismOffenders.ReadsLocalTimeNow;
import dev.underway.architecture.DeterminismOffenders.ReadsTheClockThroughAMethodReference;
import dev.underway.architecture.DeterminismOffenders.ReadsTheSystemClock;
import dev.underway.architecture.DeterminismOffenders.ReadsTheWholeEnvironment;
import dev.underway.architecture.DeterminismOffenders.CreatesATimer;
import dev.underway.architecture.DeterminismOffenders.ExtendsTimerTask;
import dev.underway.architecture.DeterminismOffenders.StartsAThread;
import dev.underway.architecture.DeterminismOffenders.UsesSplittableRandom;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The workflows module is replayed by Temporal: its code must be deterministic and must not do
 * I/O. These rules make that a build failure rather than a hope. They apply to every class the
 * module ships (workflow implementations, the planner and validation they call, the model and
 * the activity interfaces), not to its tests.
 *
 * <p>Each rule is checked against a small class that breaks it ({@link DeterminismOffenders}),
 * and all of them against one that does the allowed thing next to each ({@link
 * DeterministicExample}): a rule that stopped firing, or fired on everything, fails here.
 */
class WorkflowDeterminismTest {

  /** Everything the workflows module ships (not its tests). */
  static final JavaClasses PRODUCTION = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.underway");

  static final ArchRule NO_IO_OR_CONCURRENCY = noClasses().should().dependOnClassesThat()
      .resideInAnyPackage("io.fabric8..", "java.sql..", "javax.sql..", "org.postgresql..",
          "java.net..", "java.io..", "java.nio..", "java.util.concurrent..", "java.lang.reflect..")
      .because("workflow code does no I/O and starts no threads: that is the activities' job");

  static final ArchRule NO_THREADS_TIMERS_OR_RANDOM_SOURCES = noClasses().should()
      .dependOnClassesThat().areAssignableTo(Thread.class)
      .orShould().dependOnClassesThat().areAssignableTo(ThreadLocal.class)
      .orShould().dependOnClassesThat().areAssignableTo(java.util.Timer.class)
      .orShould().dependOnClassesThat().areAssignableTo(java.util.TimerTask.class)
      .orShould().dependOnClassesThat().areAssignableTo(java.util.random.RandomGenerator.class)
      .orShould().dependOnClassesThat().resideInAPackage("java.util.random..")
      .orShould().dependOnClassesThat().areAssignableTo(java.time.InstantSource.class)
      .because("a workflow runs on Temporal's threads and timers (Workflow.sleep, Workflow.await,"
          + " Workflow.newTimer) and takes its randomness and time from Temporal"
          + " (Workflow.randomUUID, Workflow.currentTimeMillis); every random generator"
          + " (Random, SecureRandom, SplittableRandom, ThreadLocalRandom) and Clock is out");

  /**
   * A read of the clock or of a random source: any {@code now(...)} of a java.time class (every
   * overload, with or without a Clock or zone), {@code new Date()}, {@code
   * Calendar.getInstance(...)}, {@code System.currentTimeMillis/nanoTime}, {@code
   * UUID.randomUUID}, {@code Math/StrictMath.random} — called or taken as a method reference.
   */
  static final DescribedPredicate<JavaAccess<?>> CLOCK_OR_RANDOM_READ =
      DescribedPredicate.describe("a read of the clock or a random source", a ->
          isJavaTimeNow(a) || isNoArgumentConstructorOf(a, java.util.Date.class)
              || to(a, java.util.Calendar.class, "getInstance")
              || to(a, System.class, "currentTimeMillis", "nanoTime")
              || to(a, java.util.UUID.class, "randomUUID")
              || to(a, Math.class, "random") || to(a, StrictMath.class, "random"));

  static final ArchRule NO_CLOCK_OR_RANDOM_READS = noClasses().should()
      .accessTargetWhere(CLOCK_OR_RANDOM_READ)
      .because("a replay must see the same values: use Workflow.currentTimeMillis and"
          + " Workflow.randomUUID");

  /**
   * A read of the process's environment or system properties (which differ between the worker
   * that ran a workflow and the one that replays it): every overload of {@code System.getenv},
   * {@code System.getProperty}, {@code System.getProperties}, their setters, and the boxed
   * types' {@code Integer.getInteger}, {@code Long.getLong}, {@code Boolean.getBoolean}.
   */
  static final DescribedPredicate<JavaAccess<?>> ENVIRONMENT_READ =
      DescribedPredicate.describe("a read of the environment or system properties", a ->
          to(a, System.class, "getenv", "getProperty", "getProperties", "setProperty",
              "setProperties", "clearProperty")
              || to(a, Integer.class, "getInteger") || to(a, Long.class, "getLong")
              || to(a, Boolean.class, "getBoolean"));

  static final ArchRule NO_ENVIRONMENT_READS = noClasses().should()
      .accessTargetWhere(ENVIRONMENT_READ)
      .because("configuration reaches a workflow as its input, never from the worker's process");

  static final ArchRule NO_CLIENT_OR_ACTIVITY_API = noClasses().should().dependOnClassesThat()
      .resideInAnyPackage("io.temporal.client..", "io.temporal.serviceclient..",
          "io.temporal.worker..", "io.temporal.testing..")
      .orShould().dependOnClassesThat().areAssignableTo(io.temporal.activity.Activity.class)
      .orShould().dependOnClassesThat()
      .areAssignableTo(io.temporal.activity.ActivityExecutionContext.class)
      .because("workflow code talks to Temporal through io.temporal.workflow.Workflow only: a"
          + " WorkflowClient call is a side effect outside the history, and Activity.* works"
          + " only inside an activity");

  static final ArchRule STATIC_FIELDS_FINAL = fields().that().areStatic().should().beFinal()
      .because("static mutable state is shared between workflow executions");

  /**
   * The value of every static final field (synthetic ones aside: an enum's {@code $VALUES},
   * the compiler's switch maps) is read and must not be a modifiable collection, map or array:
   *
   * <ul>
   *   <li>a {@link Collection} or {@link Map} must be one of the JDK's unmodifiable
   *       implementations: {@code List/Set/Map.of} and {@code copyOf}, {@code Stream.toList},
   *       {@code Collections.unmodifiable*}, {@code empty*} and {@code singleton*};
   *   <li>an array must be empty (any other can be written through).
   * </ul>
   *
   * Other values (records, enums, strings, ActivityOptions, Pattern) are not inspected, nor
   * what an unmodifiable collection holds.
   */
  static final ArchRule STATIC_VALUES_UNMODIFIABLE = fields().that().areStatic().and().areFinal()
      .and(DescribedPredicate.describe("are not synthetic",
          (JavaField f) -> !f.getModifiers().contains(JavaModifier.SYNTHETIC)))
      .should(holdNoModifiableCollectionOrArray())
      .because("a static collection or array that can be changed is state shared between"
          + " workflow executions, as a non-final field is");

  static final ArchRule TEMPORAL_SDK_ONLY = noClasses().should().dependOnClassesThat()
      .resideOutsideOfPackages("dev.underway..", "java.lang..", "java.util..", "java.time..",
          "java.math..", "io.temporal..", "com.fasterxml.jackson.annotation..", "org.slf4j..")
      .because("the workflows module depends on the Temporal SDK only");

  static final List<ArchRule> RULES = List.of(NO_IO_OR_CONCURRENCY,
      NO_THREADS_TIMERS_OR_RANDOM_SOURCES, NO_CLOCK_OR_RANDOM_READS, NO_ENVIRONMENT_READS,
      NO_CLIENT_OR_ACTIVITY_API, STATIC_FIELDS_FINAL, STATIC_VALUES_UNMODIFIABLE,
      TEMPORAL_SDK_ONLY);

  @Test
  void workflowsModuleIsDeterministicAndDoesNoIo() {
    assertThat(PRODUCTION.size()).as("classes analysed").isGreaterThan(20);
    assertThat(RULES.stream().map(rule -> rule.evaluate(PRODUCTION))
        .filter(EvaluationResult::hasViolation).map(r -> r.getFailureReport().toString()))
        .as("every rule's violations at once").isEmpty();
  }

  /** Each offender, the rule that must flag it, and what the violation must name. */
  static Stream<Arguments> offenders() {
    return Stream.of(
        Arguments.of(ReadsAFile.class, NO_IO_OR_CONCURRENCY, "java.nio.file.Files"),
        Arguments.of(StartsAThread.class, NO_THREADS_TIMERS_OR_RANDOM_SOURCES,
            "java.lang.Thread"),
        Arguments.of(KeepsAThreadLocal.class, NO_THREADS_TIMERS_OR_RANDOM_SOURCES,
            "java.lang.ThreadLocal"),
        Arguments.of(CreatesATimer.class, NO_THREADS_TIMERS_OR_RANDOM_SOURCES,
            "java.util.Timer"),
        Arguments.of(ExtendsTimerTask.class, NO_THREADS_TIMERS_OR_RANDOM_SOURCES,
            "java.util.TimerTask"),
        Arguments.of(UsesSplittableRandom.class, NO_THREADS_TIMERS_OR_RANDOM_SOURCES,
            "java.util.SplittableRandom"),
        Arguments.of(ReadsTheSystemClock.class, NO_CLOCK_OR_RANDOM_READS,
            "java.lang.System.currentTimeMillis()"),
        Arguments.of(ReadsInstantNow.class, NO_CLOCK_OR_RANDOM_READS, "java.time.Instant.now()"),
        Arguments.of(ReadsLocalDateNow.class, NO_CLOCK_OR_RANDOM_READS,
            "java.time.LocalDate.now()"),
        Arguments.of(ReadsLocalTimeNow.class, NO_CLOCK_OR_RANDOM_READS,
            "java.time.LocalTime.now()"),
        Arguments.of(ReadsTheClockThroughAMethodReference.class, NO_CLOCK_OR_RANDOM_READS,
            "java.time.LocalDateTime.now()"),
        Arguments.of(CreatesADateOfNow.class, NO_CLOCK_OR_RANDOM_READS,
            "java.util.Date.<init>()"),
        Arguments.of(ReadsTheWholeEnvironment.class, NO_ENVIRONMENT_READS,
            "java.lang.System.getenv()"),
        Arguments.of(ReadsAllSystemProperties.class, NO_ENVIRONMENT_READS,
            "java.lang.System.getProperties()"),
        Arguments.of(ReadsAnIntegerSystemProperty.class, NO_ENVIRONMENT_READS,
            "java.lang.Integer.getInteger(java.lang.String)"),
        Arguments.of(CallsAWorkflowClient.class, NO_CLIENT_OR_ACTIVITY_API,
            "io.temporal.client.WorkflowClient"),
        Arguments.of(CallsTheActivityApi.class, NO_CLIENT_OR_ACTIVITY_API,
            "io.temporal.activity.Activity.getExecutionContext()"),
        Arguments.of(HasStaticMutableState.class, STATIC_FIELDS_FINAL, "counter"),
        Arguments.of(HasAStaticFinalArrayList.class, STATIC_VALUES_UNMODIFIABLE,
            "SEEN holds a java.util.ArrayList"),
        Arguments.of(HasAStaticFinalHashMap.class, STATIC_VALUES_UNMODIFIABLE,
            "COUNTS holds a java.util.HashMap"),
        Arguments.of(HasAStaticFinalArray.class, STATIC_VALUES_UNMODIFIABLE,
            "NAMES holds an array of 1 element(s)"),
        Arguments.of(DependsOnALibraryBeyondTheSdk.class, TEMPORAL_SDK_ONLY,
            "com.fasterxml.jackson.databind.ObjectMapper"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("offenders")
  void ruleFlagsTheClassThatBreaksIt(Class<?> offender, ArchRule rule, String named) {
    EvaluationResult result = rule.evaluate(new ClassFileImporter().importClasses(offender));
    assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
    assertThat(result.getFailureReport().getDetails()).as(rule.getDescription())
        .anyMatch(d -> d.contains(named));
  }

  @Test
  void everyRuleHasAnOffenderThatShowsItFires() {
    Set<ArchRule> checked = offenders().map(a -> (ArchRule) a.get()[1])
        .collect(Collectors.toSet());
    assertThat(checked).containsExactlyInAnyOrderElementsOf(RULES);
  }

  @Test
  void rulesFlagNothingInCodeThatDoesTheAllowedThing() {
    JavaClasses allowed = new ClassFileImporter()
        .withImportOption(location -> location.contains("/DeterministicExample"))
        .importPackages(DeterministicExample.class.getPackageName());
    assertThat(allowed.size()).as("the example, its enum and the compiler's switch map")
        .isGreaterThanOrEqualTo(3);
    for (ArchRule rule : RULES) {
      rule.check(allowed);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** An access (call or method reference) to one of {@code names} of {@code owner}. */
  private static boolean to(JavaAccess<?> a, Class<?> owner, String... names) {
    return a.getTargetOwner().isEquivalentTo(owner) && List.of(names)
        .contains(a.getTarget().getName());
  }

  private static boolean isJavaTimeNow(JavaAccess<?> a) {
    String pkg = a.getTargetOwner().getPackageName();
    return (pkg.equals("java.time") || pkg.startsWith("java.time."))
        && a.getTarget().getName().equals("now");
  }

  private static boolean isNoArgumentConstructorOf(JavaAccess<?> a, Class<?> type) {
    return a.getTargetOwner().isEquivalentTo(type) && a.getTarget().getName().equals("<init>")
        && a.getTarget() instanceof CodeUnitAccessTarget t && t.getRawParameterTypes().isEmpty();
  }

  /** Class names of the JDK's unmodifiable collections and maps (see the rule's javadoc). */
  private static final Pattern UNMODIFIABLE = Pattern.compile(
      "java\\.util\\.ImmutableCollections\\$\\w+"
          + "|java\\.util\\.Collections\\$(Unmodifiable|Empty|Singleton)\\w*");

  private static ArchCondition<JavaField> holdNoModifiableCollectionOrArray() {
    return new ArchCondition<>("hold no modifiable collection, map or array") {
      @Override
      public void check(JavaField field, ConditionEvents events) {
        if (field.getRawType().isPrimitive()) {
          return;
        }
        String problem;
        try {
          problem = modifiable(valueOf(field));
        } catch (ReflectiveOperationException | LinkageError e) {
          problem = "a value that could not be read (" + e + ")";
        }
        if (problem != null) {
          events.add(SimpleConditionEvent.violated(field, field.getFullName() + " holds "
              + problem + " in " + field.getSourceCodeLocation()));
        }
      }
    };
  }

  private static Object valueOf(JavaField field) throws ReflectiveOperationException {
    Field f = field.reflect();
    f.setAccessible(true);
    return f.get(null);
  }

  /** What makes the value modifiable, or null when it is not a modifiable collection or array. */
  private static String modifiable(Object value) {
    if (value == null) {
      return null;
    }
    if (value.getClass().isArray()) {
      int length = Array.getLength(value);
      return length == 0 ? null : "an array of " + length + " element(s), writable by anyone";
    }
    if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
      String type = value.getClass().getName();
      return UNMODIFIABLE.matcher(type).matches() ? null : "a " + type;
    }
    return null;
  }
}
