package dev.underway.worker;

import dev.underway.kernel.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** At worker start: does the namespace have Underway's custom search attributes? */
final class SearchAttributeCheck {
  private static final Logger log = LoggerFactory.getLogger(SearchAttributeCheck.class);

  private SearchAttributeCheck() {}

  /** Throws a {@link CommandFailure} (exit 1) naming the commands that fix what is missing. */
  static void require(OperatorServiceStubs operator, ConnectionOptions o) {
    Map<String, IndexedValueType> present;
    try {
      present = operator.blockingStub()
          .listSearchAttributes(
              ListSearchAttributesRequest.newBuilder().setNamespace(o.namespace()).build())
          .getCustomAttributesMap();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        log.warn("The server at {} cannot list search attributes ({}); not checking that {} are"
            + " registered", o.address(), e.getStatus().getCode(), names());
        return;
      }
      throw e;
    }
    List<String> problems = new ArrayList<>();
    List<String> fixes = new ArrayList<>();
    for (var key : SearchAttributes.ALL) {
      IndexedValueType type = present.get(key.getName());
      if (type == null) {
        problems.add(key.getName() + " is missing");
        fixes.add(createCommand(o, key.getName()));
      } else if (type != IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD) {
        problems.add(key.getName() + " has type " + type + " but must be Keyword (remove it and"
            + " create it again)");
      }
    }
    if (!problems.isEmpty()) {
      StringBuilder m = new StringBuilder();
      m.append("namespace '").append(o.namespace()).append("' at ").append(o.address())
          .append(" lacks Underway's search attributes: ").append(String.join("; ", problems))
          .append(".\nRegister them once (needs operator rights on the namespace):\n");
      fixes.forEach(f -> m.append("  ").append(f).append('\n'));
      m.append("Then start the worker again.");
      throw CommandFailure.failed(m.toString());
    }
    log.info("Search attributes {} are registered on namespace {}", names(), o.namespace());
  }

  static String createCommand(ConnectionOptions o, String name) {
    return "temporal operator search-attribute create --name " + name + " --type Keyword"
        + " --namespace " + o.namespace()
        + (ConnectionOptions.DEFAULT_ADDRESS.equals(o.address()) ? ""
            : " --address " + o.address());
  }

  private static List<String> names() {
    return SearchAttributes.ALL.stream().map(k -> k.getName()).toList();
  }
}
