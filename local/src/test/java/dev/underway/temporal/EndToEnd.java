package dev.underway.temporal;

import java.util.Map;

/**
 * Whether the end-to-end tests (real dev server, real browser) are required here: in CI, where
 * {@code .ci/run} sets {@value #REQUIRE_ENV}, or wherever {@code CI=true}. Where they are
 * required, a missing binary fails them instead of skipping them.
 */
public final class EndToEnd {
  private EndToEnd() {}

  public static final String REQUIRE_ENV = "UNDERWAY_REQUIRE_E2E";

  public static boolean required(Map<String, String> env) {
    return "true".equalsIgnoreCase(env.get(REQUIRE_ENV))
        || "true".equalsIgnoreCase(env.get("CI"));
  }

  public static boolean required() {
    return required(System.getenv());
  }
}
