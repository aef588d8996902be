package dev.underway.activities.kubernetes.real;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real {@link ControlPlane} for the whole test run: the first test class that needs it starts
 * it, every later one gets the same, and JUnit closes it when the run ends (it sits in the root
 * context's store). Without the binaries the class is skipped, naming the command that builds
 * them; where end-to-end tests are required it fails instead ({@link
 * KubeBinaries#requireOrSkip}). Test classes declare {@code @ExtendWith(RealKubernetes.class)}
 * and take a {@link ControlPlane} parameter in {@code @BeforeAll}, a constructor or a test.
 */
public final class RealKubernetes implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(RealKubernetes.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    shared(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ControlPlane.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  private static ControlPlane shared(ExtensionContext context) {
    KubeBinaries binaries = KubeBinaries.requireOrSkip();
    return context.getRoot().getStore(STORE).getOrComputeIfAbsent(ControlPlane.class, key -> {
      try {
        return ControlPlane.start(binaries);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the test Kubernetes control plane", e);
      }
    }, ControlPlane.class);
  }
}
