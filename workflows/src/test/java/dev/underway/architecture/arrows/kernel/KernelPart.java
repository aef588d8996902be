package dev.underway.architecture.arrows.kernel;

/** A kernel class that keeps every rule. */
public final class KernelPart {
  private KernelPart() {}

  public static String greet(String name) {
    return "hello " + name;
  }
}
