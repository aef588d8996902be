package dev.underway.outcomes;

import dev.underway.kernel.RunKernelTest;
import io.temporal.failure.ApplicationFailure;

/** The kernel's test runbook's window, for runs on a real server: "Fail" fails for good. */
public final class Windows implements RunKernelTest.Window {
  @Override
  public String open() {
    return "opened";
  }

  @Override
  public String close() {
    return "closed";
  }

  @Override
  public String unlock() {
    return "unlocked";
  }

  @Override
  public String fail() {
    throw ApplicationFailure.newNonRetryableFailure("the step broke", "Broken");
  }
}
