package dev.underway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.GateView;
import org.junit.jupiter.api.Test;

/**
 * The sandbox's "Or in the Web UI" hint: the input to paste into Send an Update, which for a
 * destructive gate carries the {@code confirm} the gate asks for, exactly.
 */
class WebUiHintTest {

  private static final String URL = "http://localhost:8233/namespaces/default/workflows/x";

  private static DecisionRequest input(String hint) throws Exception {
    String json = hint.substring(hint.indexOf('{'));
    return new ObjectMapper().readValue(json, DecisionRequest.class);
  }

  @Test
  void aDestructiveGatesHintCarriesItsConfirmationExactly() throws Exception {
    GateView contract = new GateView("contract", "contract", "text", "2026-01-01T00:00:00Z",
        null, "0a1b2c3d", "public.orders.amount");
    String hint = Sandbox.webUiHint(URL, contract);
    assertThat(hint).startsWith("Or in the Web UI: " + URL + " -> Send an Update -> decide");
    DecisionRequest d = input(hint);
    assertThat(d.confirm()).isEqualTo("public.orders.amount");
    assertThat(d.gate()).isEqualTo("contract");
    assertThat(d.plan()).isEqualTo("0a1b2c3d");
    assertThat(d.decision()).isEqualTo("approve");
  }

  @Test
  void anyOtherGatesHintHasNoConfirm() throws Exception {
    GateView expand = new GateView("expand", "expand", "text", "2026-01-01T00:00:00Z", null,
        "0a1b2c3d", null);
    assertThat(Sandbox.webUiHint(URL, expand)).doesNotContain("confirm");
    assertThat(input(Sandbox.webUiHint(URL, expand)).confirm()).isNull();
  }
}
