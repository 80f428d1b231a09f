package dev.chatstream.browser;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The browser chat page in headless Chromium against a real cluster behind nginx (see {@link ChatCluster}).
 * Every answer is the demo provider's deterministic text, so "complete, nothing missing, nothing twice"
 * is an equality check.
 */
@Tag("slow")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatPageTest {
    private static final String ANSWER = PageScenarios.ANSWER;
    private static final String MISSING = ChatCluster.missingService();
    private static ChatCluster cluster;
    private static ChromeDriver driver;

    @BeforeAll
    static void startClusterAndBrowser() {
        if (MISSING == null) {
            cluster = ChatCluster.start();
            driver = Browser.start();
        }
    }

    @AfterAll
    static void stopEverything() {
        if (driver != null) {
            driver.quit();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void oneFreshTab() {
        assumeTrue(MISSING == null, MISSING);
        PageScenarios.oneFreshTab(driver);
    }

    @Test
    @Order(1)
    @DisplayName("a message sent from the page streams its whole answer into the page, token by token")
    void streamsAWholeAnswer() {
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), PageScenarios.newSession());
        page.send("Hello, cluster!");
        String mid = page.newestMessageId();
        assertThat(page.userText(mid)).isEqualTo("Hello, cluster!");

        page.awaitAnswerLength(mid, 60);
        assertThat(page.status(mid)).as("still streaming after a few words").isEqualTo("streaming");

        page.awaitStatus(mid, "done");
        assertThat(page.answer(mid)).isEqualTo(ANSWER);
        assertThat(page.turnsFor(mid)).isEqualTo(1);
        assertThat(page.resyncs()).as("replays the page had to ask for").isZero();
    }

    @Test
    @Order(2)
    @DisplayName("a second tab of the same session shows the same question and answer")
    void secondTabSeesTheSameConversation() {
        String session = PageScenarios.newSession();
        ChatPage first = ChatPage.open(driver, cluster.baseUrl(), session);
        String firstTab = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        ChatPage second = ChatPage.open(driver, cluster.baseUrl(), session);
        String secondTab = driver.getWindowHandle();

        driver.switchTo().window(firstTab);
        first.send("Seen from two tabs?");
        String mid = first.newestMessageId();
        first.awaitStatus(mid, "done");
        assertThat(first.answer(mid)).isEqualTo(ANSWER);

        driver.switchTo().window(secondTab);
        second.awaitStatus(mid, "done");
        assertThat(second.answer(mid)).isEqualTo(ANSWER);
        assertThat(second.userText(mid)).isEqualTo("Seen from two tabs?");
        assertThat(second.resyncs()).as("replays the second tab had to ask for").isZero();
    }

    @Test
    @Order(2)
    @DisplayName("an answer renders as Markdown while it streams: a heading, a list and a code block with a Copy button")
    void answerRendersAsMarkdown() {
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), PageScenarios.newSession());
        page.send("Show me some Markdown");
        String mid = page.newestMessageId();
        page.awaitInAnswer(mid, "ul > li");
        assertThat(page.status(mid)).as("the list shows before the answer ends").isEqualTo("streaming");
        page.awaitInAnswer(mid, "pre > code");
        saveScreenshot(page);

        page.awaitStatus(mid, "done");
        page.awaitInAnswer(mid, "pre > button.copy");
        assertThat(page.textInAnswer(mid, "h2")).isEqualTo("A demo answer");
        assertThat(page.countInAnswer(mid, "ul > li")).isEqualTo(3);
        assertThat(page.textInAnswer(mid, "ul > li")).isEqualTo("every token goes from the worker through NATS");
        assertThat(page.textInAnswer(mid, "pre > code.language-js"))
                .isEqualTo("for await (const token of answer) {\n  print(token);\n}\n");
        assertThat(page.countInAnswer(mid, "pre > button.copy")).isEqualTo(1);
    }

    @Test
    @Order(2)
    @DisplayName("the Copy button of a code block puts the code on the clipboard")
    void copyButtonCopiesTheCode() {
        driver.executeCdpCommand("Browser.grantPermissions", Map.of(
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), PageScenarios.newSession());
        page.send("Copy that");
        String mid = page.newestMessageId();
        page.awaitStatus(mid, "done");
        page.awaitInAnswer(mid, "pre > button.copy");

        driver.findElement(By.cssSelector("li[data-mid='" + mid + "'] pre > button.copy")).click();
        page.awaitInAnswer(mid, "pre > button.copy"); // still there, now saying so
        Object copied = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " navigator.clipboard.readText().then(done, e => done('unreadable: ' + e));");
        assertThat(copied).isEqualTo("for await (const token of answer) {\n  print(token);\n}\n");
        assertThat(page.textInAnswer(mid, "pre > button.copy")).isEqualTo("Copied");
    }

    @Test
    @Order(2)
    @DisplayName("HTML in a model's answer shows as text: no img element is made and its onerror handler never runs")
    void htmlInAnAnswerShowsAsText() {
        assumeTrue(cluster.managed(), "needs the echo model this test's cluster gives the workers");
        String session = PageScenarios.newSession();
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), session);
        String html = "Look: <img src=x onerror=\"document.documentElement.dataset.xss='ran'\"> "
                + "<script>document.documentElement.dataset.xss='ran'</script> **still Markdown**";
        String mid = askEchoModel(session, html);

        page.awaitStatus(mid, "done");
        page.awaitInAnswer(mid, "strong");
        assertThat(page.answer(mid)).isEqualTo(html);
        assertThat(page.countInAnswer(mid, "img")).isZero();
        assertThat(page.countInAnswer(mid, "script")).isZero();
        assertThat(page.textInAnswer(mid, "p")).startsWith("Look: <img src=x onerror=").contains("<script>");
        assertThat(page.evaluate("return document.documentElement.dataset.xss ?? null;")).isNull();
    }

    @Test
    @Order(2)
    @DisplayName("links in an answer open in a new tab with rel noopener noreferrer; a javascript: link is no link")
    void linksAreSafe() {
        assumeTrue(cluster.managed(), "needs the echo model this test's cluster gives the workers");
        String session = PageScenarios.newSession();
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), session);
        String mid = askEchoModel(session, "See [the docs](https://example.com/docs) or [this](javascript:alert(1)).");

        page.awaitStatus(mid, "done");
        page.awaitInAnswer(mid, "a");
        assertThat(page.countInAnswer(mid, "a")).isEqualTo(1);
        assertThat(page.attributeInAnswer(mid, "a", "href")).isEqualTo("https://example.com/docs");
        assertThat(page.attributeInAnswer(mid, "a", "target")).isEqualTo("_blank");
        assertThat(page.attributeInAnswer(mid, "a", "rel")).isEqualTo("noopener noreferrer");
        assertThat(page.textInAnswer(mid, "p")).contains("[this](javascript:alert(1))");
    }

    /** Asks the echo model (the workers' openai provider) as another client of this browser's user; its answer is {@code text}. */
    private static String askEchoModel(String session, String text) {
        String body = new JsonObject().put("message", text)
                .put("context", new JsonObject().put("ai_provider", "openai")).encode();
        ChatCluster.Posted posted = cluster.postMessage(session, "echo-" + session, body,
                driver.manage().getCookieNamed("chat_guest").getValue());
        assertThat(posted.status()).isEqualTo(202);
        return posted.messageId();
    }

    @Test
    @Order(3)
    @DisplayName("a page of the session in another browser of the same user shows the answer, with a placeholder for the question")
    void otherBrowserSeesTheAnswer() {
        String session = PageScenarios.newSession();
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), session);
        WebDriver otherBrowser = Browser.start();
        try {
            // The same user on another device: the other browser carries this browser's guest identity.
            otherBrowser.get(cluster.baseUrl());
            otherBrowser.manage().addCookie(driver.manage().getCookieNamed("chat_guest"));
            ChatPage other = ChatPage.open(otherBrowser, cluster.baseUrl(), session);
            other.awaitEarlierTurns(); // the question is not stored yet: it comes only as a live answer
            page.send("Asked elsewhere");
            String mid = page.newestMessageId();
            other.awaitStatus(mid, "done");
            assertThat(other.answer(mid)).isEqualTo(ANSWER);
            assertThat(other.userText(mid)).contains("another tab or device");
        } finally {
            otherBrowser.quit();
        }
    }

    @Test
    @Order(3)
    @DisplayName("a page of the session opened later in another browser of the same user shows the earlier question and answer")
    void laterBrowserSeesEarlierTurns() {
        String session = PageScenarios.newSession();
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), session);
        page.send("Asked before");
        String mid = page.newestMessageId();
        page.awaitStatus(mid, "done");
        WebDriver otherBrowser = Browser.start();
        try {
            otherBrowser.get(cluster.baseUrl());
            otherBrowser.manage().addCookie(driver.manage().getCookieNamed("chat_guest"));
            ChatPage other = ChatPage.open(otherBrowser, cluster.baseUrl(), session);
            other.awaitStatus(mid, "done");
            // A fresh browser has no saved page: the question can only come from the server's store.
            assertThat(other.userText(mid)).isEqualTo("Asked before");
            assertThat(other.answer(mid)).isEqualTo(ANSWER);
            assertThat(other.turnsFor(mid)).isEqualTo(1);
            other.awaitInAnswer(mid, "pre > code");
        } finally {
            otherBrowser.quit();
        }
    }

    @Test
    @Order(3)
    @DisplayName("another browser is another guest: it can neither read, resume nor post to the first one's session")
    void otherGuestCannotReadTheSession() {
        String session = PageScenarios.newSession();
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), session);
        page.send("Only mine");
        String mid = page.newestMessageId();
        page.awaitStatus(mid, "done");
        WebDriver stranger = Browser.start();
        try {
            stranger.get(cluster.baseUrl());
            assertThat(status(stranger, "api/sessions/" + session + "/stream", "GET", "{}")).isEqualTo(403L);
            assertThat(status(stranger, "api/sessions/" + session + "/stream", "GET",
                    "{\"Last-Event-ID\": \"" + mid + ":0\"}")).isEqualTo(403L);
            assertThat(status(stranger, "api/sessions/" + session + "/messages", "POST",
                    "{\"Content-Type\": \"application/json\"}")).isEqualTo(403L);
            // The owner's own browser still reads it.
            assertThat(status(driver, "api/sessions/" + session + "/stream", "GET", "{}")).isEqualTo(200L);
        } finally {
            stranger.quit();
        }
    }

    /** The status of a same-origin {@code fetch} from {@code browser}'s page, with its cookies; the body is not read. */
    private static Object status(WebDriver browser, String path, String method, String headers) {
        return ((org.openqa.selenium.JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const c = new AbortController();"
                        + "fetch(arguments[0], {method: arguments[1], headers: JSON.parse(arguments[2]), signal: c.signal,"
                        + " body: arguments[1] === 'POST' ? '{\"message\":\"hi\"}' : undefined})"
                        + ".then(r => { done(r.status); c.abort(); }, e => done(-1));",
                path, method, headers);
    }

    @Test
    @Order(4)
    @DisplayName("Stop ends the answer that is streaming as cancelled")
    void stopCancelsTheAnswer() {
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), PageScenarios.newSession());
        page.send("Please stop early");
        String mid = page.newestMessageId();
        page.awaitAnswerLength(mid, 20);
        page.stop();

        page.awaitStatus(mid, "cancelled");
        String text = page.answer(mid);
        assertThat(ANSWER).startsWith(text);
        assertThat(text.length()).isLessThan(ANSWER.length());
        assertThat(page.note(mid)).startsWith("Stopped.");
    }

    @Test
    @Order(5)
    @DisplayName("a reload in the middle of an answer shows the answer once, complete")
    void reloadMidAnswerResumes() {
        reloadAt(40, "reload mid-answer");
    }

    @Test
    @Order(5)
    @DisplayName("a reload just before the answer ends shows the answer once, complete")
    void reloadNearTheEndResumes() {
        reloadAt(ANSWER.length() * 3 / 4, "reload near the end");
    }

    private static void reloadAt(int length, String scenario) {
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), PageScenarios.newSession());
        page.send("Survive a reload");
        String mid = page.newestMessageId();
        page.awaitAnswerLength(mid, length);
        assertThat(page.status(mid)).isEqualTo("streaming");

        page.reload();
        page.awaitStatus(mid, "done");
        assertThat(page.answer(mid)).isEqualTo(ANSWER);
        assertThat(page.turnsFor(mid)).isEqualTo(1);
        assertThat(page.userText(mid)).isEqualTo("Survive a reload");
        PageScenarios.report(scenario, page);
    }

    @Test
    @Order(6)
    @DisplayName("an answer that fails is shown with the reason in words")
    void failedAnswerIsExplained() {
        String session = PageScenarios.newSession();
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), session);
        // Another client asks for a provider no worker has; the page sees only the answer.
        ChatCluster.Posted posted = cluster.postMessage(session, "failing-" + session,
                "{\"message\": \"Use a provider nobody has\", \"context\": {\"ai_provider\": \"nosuch\"}}",
                driver.manage().getCookieNamed("chat_guest").getValue());
        assertThat(posted.status()).isEqualTo(202);
        String mid = posted.messageId();

        page.awaitStatus(mid, "error");
        // A stable code and a fixed text: the client's own input (the provider name) is not echoed back.
        assertThat(page.note(mid)).startsWith("The answer failed: ").contains("provider_not_configured")
                .doesNotContain("nosuch");
        assertThat(page.userText(mid)).contains("another tab or device");
    }

    @Test
    @Order(7)
    @DisplayName("with the network down a message fails with the reason in words, and Retry sends it once")
    void networkDownIsShownAndRetried() {
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), PageScenarios.newSession());
        ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
        offline.setOffline(true);
        driver.setNetworkConditions(offline);
        String mid;
        try {
            page.send("Sent while offline");
            mid = page.newestMessageId();
            page.awaitStatus(mid, "failed");
            assertThat(page.note(mid)).contains("Could not reach the server");
        } finally {
            driver.deleteNetworkConditions();
        }
        page.retry(mid);
        page.awaitStatus(mid, "done");
        assertThat(page.answer(mid)).isEqualTo(ANSWER);
        assertThat(page.turnsFor(mid)).isEqualTo(1);
        page.awaitConnection("connected", "resumed");
    }

    @Test
    @Order(8)
    @DisplayName("the worker writing the answer dies mid-answer: the page starts the answer over and shows it once, complete")
    void workerKilledMidAnswer() {
        assumeTrue(cluster.managed(), "needs the processes this test started");
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), PageScenarios.newSession());
        page.send("Outlive a worker");
        String mid = page.newestMessageId();
        page.awaitAnswerLength(mid, 30);
        int writer = IntStream.range(0, cluster.workerCount())
                .filter(i -> cluster.workerAlive(i) && cluster.activeAnswers(i) == 1)
                .findFirst().orElseThrow(() -> new AssertionError("no worker reports the answer in progress"));
        cluster.killWorker(writer);
        String cut = page.answer(mid);

        page.awaitStatus(mid, "done");
        assertThat(cut.length()).as("killed mid-answer").isLessThan(ANSWER.length());
        assertThat(page.answer(mid)).isEqualTo(ANSWER);
        assertThat(page.turnsFor(mid)).isEqualTo(1);
        assertThat(page.note(mid)).contains("restarted");
        PageScenarios.report("worker killed mid-answer", page);
    }

    @Test
    @Order(9)
    @DisplayName("killing the pod that holds the page's stream mid-answer loses and repeats no text")
    void podKilledMidAnswer() {
        assumeTrue(cluster.managed(), "needs the processes this test started");
        try {
            PageScenarios.podKilledMidAnswer(cluster, driver);
        } finally {
            IntStream.range(0, cluster.podCount()).forEach(cluster::restartPod);
        }
    }

    @Test
    @Order(10)
    @DisplayName("killing the pod that holds the page's stream just before the answer ends still shows all of it")
    void podKilledNearTheEnd() {
        assumeTrue(cluster.managed(), "needs the processes this test started");
        // The last ~15 tokens are left: the resume lands while workers still route to the dead pod.
        PageScenarios.podKilledMidAnswer(cluster, driver, ANSWER.length() * 3 / 4, "pod killed near the end");
    }

    /**
     * The page mid-answer, for the docs: always into {@code target/screenshot.png}; into the committed
     * {@code docs/screenshot.png} when that is missing or with {@code -Dbrowser.updateScreenshot=true},
     * so that a test run does not leave a modified tracked file behind.
     */
    private static void saveScreenshot(ChatPage page) {
        Path target = Path.of("target", "screenshot.png").toAbsolutePath();
        page.screenshot(target);
        Path docs = RepoPaths.file("docs/screenshot.png");
        if (!Files.exists(docs) || Boolean.getBoolean("browser.updateScreenshot")) {
            page.screenshot(docs);
        }
    }
}
