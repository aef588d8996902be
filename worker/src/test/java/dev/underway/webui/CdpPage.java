package dev.underway.webui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One browser page driven over the Chrome DevTools Protocol on a {@code java.net.http} WebSocket.
 * Only what the Web UI tests need: navigate, evaluate JavaScript, click and type as a user does
 * (real mouse and keyboard input events, not synthetic DOM events), and screenshots.
 *
 * <p>Elements are located by JavaScript expressions; {@link #BY_TEXT} adds {@code
 * byText(selector, text)}: the first visible element matching the CSS selector whose text
 * contains {@code text}; {@code exactly(selector, text)}: the same with exactly that text;
 * {@code button(text)}: the first visible, enabled button, menu item or link
 * whose text is exactly {@code text}.
 */
public final class CdpPage implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  /** Helper functions available to every expression passed to {@link #eval}. */
  static final String BY_TEXT = """
      const visible = (e) => !!e && e.getClientRects().length > 0
          && getComputedStyle(e).visibility !== 'hidden';
      const byText = (selector, text) => [...document.querySelectorAll(selector)]
          .find((e) => visible(e) && (e.innerText || e.value || '').trim().includes(text)) || null;
      const byCss = (selector) => [...document.querySelectorAll(selector)].find(visible) || null;
      const exactly = (selector, text) => [...document.querySelectorAll(selector)]
          .find((e) => visible(e) && (e.innerText || '').trim() === text) || null;
      const button = (text) => [...document.querySelectorAll('button, [role=menuitem], a')]
          .find((e) => visible(e) && !e.disabled && e.getAttribute('aria-disabled') !== 'true'
              && (e.innerText || '').trim() === text) || null;
      """;

  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private CdpPage(WebSocket socket) {
    this.socket = socket;
  }

  static CdpPage connect(URI webSocket, Duration timeout) throws IOException {
    Listener listener = new Listener();
    try {
      WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .connectTimeout(timeout).buildAsync(webSocket, listener)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      CdpPage page = new CdpPage(socket);
      listener.page = page;
      page.send("Page.enable", JSON.createObjectNode());
      page.send("Runtime.enable", JSON.createObjectNode());
      return page;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting to " + webSocket, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("could not connect to the page at " + webSocket, e);
    }
  }

  /** Sends one command and waits for its result; a protocol error becomes an exception. */
  JsonNode send(String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    try {
      socket.sendText(message.toString(), true).get(COMMAND_TIMEOUT.toMillis(),
          TimeUnit.MILLISECONDS);
      JsonNode reply = answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (reply.has("error")) {
        throw new IllegalStateException(method + " failed: " + reply.get("error"));
      }
      return reply.path("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(method + " got no answer within " + COMMAND_TIMEOUT, e);
    } finally {
      pending.remove(id);
    }
  }

  /** A fixed viewport, so screenshots have the same size on every machine. */
  public void viewport(int width, int height) {
    send("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width)
        .put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
  }

  String url() {
    return eval("location.href").asText();
  }

  void reload() {
    send("Page.reload", JSON.createObjectNode().put("ignoreCache", true));
  }

  public void navigate(String url) {
    send("Page.navigate", JSON.createObjectNode().put("url", url));
  }

  /** Evaluates a JavaScript expression (with the {@link #BY_TEXT} helpers) and returns its value. */
  public JsonNode eval(String expression) {
    JsonNode result = send("Runtime.evaluate", JSON.createObjectNode()
        .put("expression", "(() => {" + BY_TEXT + "return (" + expression + ");})()")
        .put("returnByValue", true).put("awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("JavaScript failed: " + expression + "\n"
          + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  boolean exists(String element) {
    return eval("!!(" + element + ")").asBoolean();
  }

  /** The page's visible text. */
  public String text() {
    return eval("document.body ? document.body.innerText : ''").asText();
  }

  /**
   * Scrolls the element into view, waits until it stops moving, and clicks its centre with the
   * mouse.
   */
  void click(String element) {
    // waits (up to 2 s) until the element stops moving: menus and dialogs open with a transition
    JsonNode box = eval("(async () => { const e = " + element + ";"
        + " if (!e) return null; e.scrollIntoView({block: 'center', inline: 'center'});"
        + " let last = null;"
        + " for (let i = 0; i < 40; i++) {"
        + "   await new Promise((r) => setTimeout(r, 50));"
        + "   const r = e.getBoundingClientRect();"
        + "   const now = {x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width};"
        + "   if (last && now.x === last.x && now.y === last.y && now.w === last.w"
        + "       && getComputedStyle(e).opacity === '1') return now;"
        + "   last = now; }"
        + " return last; })()");
    if (box.isNull() || box.isMissingNode()) {
      throw new IllegalStateException("nothing to click: " + element);
    }
    double x = box.get("x").asDouble();
    double y = box.get("y").asDouble();
    mouse("mouseMoved", x, y);
    mouse("mousePressed", x, y);
    mouse("mouseReleased", x, y);
  }

  private void mouse(String type, double x, double y) {
    ObjectNode p = JSON.createObjectNode().put("type", type).put("x", x).put("y", y);
    if (!type.equals("mouseMoved")) {
      p.put("button", "left").put("clickCount", 1);
    }
    send("Input.dispatchMouseEvent", p);
  }

  /** Clicks the element, selects what it holds and types {@code text} in its place. */
  void fill(String element, String text) {
    click(element);
    eval("(() => { const e = " + element + "; e.focus();"
        + " if (e.select) { e.select(); } else { document.execCommand('selectAll'); }"
        + " return true; })()");
    send("Input.insertText", JSON.createObjectNode().put("text", text));
  }

  /** Presses one key (e.g. {@code Enter}, {@code Escape}) in the focused element. */
  void press(String key, int keyCode) {
    for (String type : new String[] {"rawKeyDown", "keyUp"}) {
      send("Input.dispatchKeyEvent", JSON.createObjectNode().put("type", type).put("key", key)
          .put("code", key).put("windowsVirtualKeyCode", keyCode));
    }
  }

  /** Saves a PNG of the whole page (beyond the window when the page is longer). */
  public Path screenshot(Path file) throws IOException {
    JsonNode shot = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")
        .put("captureBeyondViewport", true));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    return file;
  }

  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      socket.abort();
    }
  }

  private void received(String text) {
    try {
      JsonNode message = JSON.readTree(text);
      if (message.has("id")) {
        CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
        if (answer != null) {
          answer.complete(message);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("unreadable DevTools message", e);
    }
  }

  /** Joins fragmented text frames (screenshots arrive in many). Events are ignored. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();
    volatile CdpPage page;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        String message = buffer.toString();
        buffer.setLength(0);
        if (page != null) {
          page.received(message);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
