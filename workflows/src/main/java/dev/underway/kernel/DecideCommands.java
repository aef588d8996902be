package dev.underway.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands a gate prints for deciding it, ready to paste: they name the server and namespace
 * the run lives on whenever those are not the CLI's defaults (a sandbox's Temporal runs on a
 * random port), and the digest of the plan shown, so that a decision for a plan that has changed
 * since is refused. Pure: the worker tells the workflow the address it was started with.
 *
 * @param address the Temporal frontend address operators use, or null for the default
 * @param namespace the run's namespace
 */
public record DecideCommands(String address, String namespace) {

  /** The {@code temporal} CLI's and {@code underway}'s default address. */
  public static final String DEFAULT_ADDRESS = "localhost:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  /** What the printed decisions carry in place of the decider's name: refused as {@code by}. */
  public static final String NAME_PLACEHOLDER = "YOUR-NAME";

  /** What the printed decisions carry in place of the reason: refused as a comment. */
  public static final String COMMENT_PLACEHOLDER = "why";

  /** The lines that end a gate's text: {@code underway} and {@code temporal} forms. */
  public String text(String workflowId, String gate, String plan) {
    return text(workflowId, gate, plan, null);
  }

  /**
   * As {@link #text(String, String, String)}; {@code confirm}: at a destructive gate, the name of
   * what it drops, carried by the approvals as the gate wants it typed (null elsewhere).
   */
  public String text(String workflowId, String gate, String plan, String confirm) {
    StringBuilder s = new StringBuilder("Decide (replace " + NAME_PLACEHOLDER + " and the comment"
        + (confirm != null ? "; the approvals carry the confirmation " + confirm + ": approve"
            + " only if that is what you mean to drop" : "") + "):\n");
    for (String line : lines(workflowId, gate, plan, confirm)) {
      s.append("  ").append(line).append('\n');
    }
    s.append("A refused decision is answered at once by both; the same JSON without \"decision\""
        + " is also accepted by the signals approve and reject (no answer: check the status).\n");
    return s.toString();
  }

  /** The commands alone, one per line: approve and reject, with underway and with temporal. */
  public List<String> lines(String workflowId, String gate, String plan) {
    return lines(workflowId, gate, plan, null);
  }

  /** As {@link #lines(String, String, String)}, the approvals with {@code confirm} if not null. */
  public List<String> lines(String workflowId, String gate, String plan, String confirm) {
    List<String> lines = new ArrayList<>();
    for (String kind : List.of("approve", "reject")) {
      lines.add("underway " + underwayArguments(kind, workflowId, gate, plan, confirm)
          + options());
    }
    for (String kind : List.of("approve", "reject")) {
      lines.add("temporal workflow update execute" + options() + " --workflow-id " + workflowId
          + " --name decide --input " + shellQuoted(json(gate, kind, plan, confirm)));
    }
    return lines;
  }

  /**
   * The arguments of {@code underway approve|reject|abort} for the gate open now, as pasted into
   * a shell: {@code confirm} (a destructive gate's name of what it drops) on an approval, quoted;
   * an abort names no gate. Without the connection options: the caller adds its own.
   */
  public static String underwayArguments(String kind, String workflowId, String gate,
      String plan, String confirm) {
    boolean abort = kind.equals("abort");
    return kind + " " + workflowId + (abort ? "" : " --gate " + gate
        + (plan == null ? "" : " --plan " + plan))
        + (confirm != null && kind.equals("approve") ? " --confirm " + shellQuoted(confirm) : "")
        + " --by " + NAME_PLACEHOLDER + " --comment '" + COMMENT_PLACEHOLDER + "'";
  }

  /**
   * The {@code underway update} line that sends {@code update} with {@code json} (its
   * placeholders for the person to replace) to {@code workflowId}, naming the run's server.
   */
  public String update(String workflowId, String update, String json) {
    return "underway update " + workflowId + " " + update + " --input " + shellQuoted(json)
        + options();
  }

  /** The {@code decide} update's input, as typed into the UI's Send an Update dialog. */
  public static String json(String gate, String decision, String plan) {
    return json(gate, decision, plan, null);
  }

  /**
   * As {@link #json(String, String, String)}; {@code confirm}: a destructive gate's name of what
   * it drops, carried by an approval (null elsewhere).
   */
  public static String json(String gate, String decision, String plan, String confirm) {
    return "{\"gate\":\"" + gate + "\",\"decision\":\"" + decision + "\""
        + (plan == null ? "" : ",\"plan\":\"" + plan + "\"")
        + (confirm != null && decision.equals("approve")
            ? ",\"confirm\":\"" + jsonEscaped(confirm) + "\"" : "")
        + ",\"by\":\"" + NAME_PLACEHOLDER + "\",\"comment\":\"" + COMMENT_PLACEHOLDER + "\"}";
  }

  /** {@code s} as one shell word in single quotes ({@code '} written as {@code '\''}). */
  static String shellQuoted(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String jsonEscaped(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /**
   * Why {@code by} or the comment (field {@code commentField}) is refused as left from a printed
   * decision or command (its placeholder, whatever the case and the spaces around it), or null.
   */
  public static String placeholderRefusal(String by, String commentField, String comment) {
    if (by != null && by.strip().equalsIgnoreCase(NAME_PLACEHOLDER)) {
      return "\"by\" is still the placeholder " + NAME_PLACEHOLDER + ": put your own name";
    }
    if (comment != null && comment.strip().equalsIgnoreCase(COMMENT_PLACEHOLDER)) {
      return "\"" + commentField + "\" is still the placeholder \"" + COMMENT_PLACEHOLDER
          + "\": say why you decide";
    }
    return null;
  }

  private String options() {
    List<String> o = new ArrayList<>();
    if (address != null && !address.isBlank() && !DEFAULT_ADDRESS.equals(address)) {
      o.add("--address " + address);
    }
    if (namespace != null && !namespace.isBlank() && !DEFAULT_NAMESPACE.equals(namespace)) {
      o.add("--namespace " + namespace);
    }
    return o.isEmpty() ? "" : " " + String.join(" ", o);
  }
}
