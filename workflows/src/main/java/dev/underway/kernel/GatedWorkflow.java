package dev.underway.kernel;

/**
 * @deprecated the interface of decision handlers is {@link DecisionHandlers}; kept while the
 *     schema change moves to the template
 */
@Deprecated(forRemoval = true)
public interface GatedWorkflow extends DecisionHandlers {}
