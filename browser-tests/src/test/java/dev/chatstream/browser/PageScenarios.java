package dev.chatstream.browser;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Scenarios more than one test class runs, each against its own cluster. */
final class PageScenarios {
    static final String ANSWER = DemoText.answer(DemoText.DEFAULT_TOKENS);
    /**
     * With {@code -Dbrowser.strict=true} a scenario also fails when the page had to ask the server for a
     * replay, i.e. when the server itself lost chunks on the way (the page hides such gaps from users).
     */
    private static final boolean STRICT = Boolean.getBoolean("browser.strict");

    private PageScenarios() {
    }

    static String newSession() {
        return "bt-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** A new tab, all others closed: no page of an earlier test keeps a stream open. */
    static void oneFreshTab(WebDriver driver) {
        List<String> old = List.copyOf(driver.getWindowHandles());
        driver.switchTo().newWindow(WindowType.TAB);
        String fresh = driver.getWindowHandle();
        for (String handle : old) {
            driver.switchTo().window(handle).close();
        }
        driver.switchTo().window(fresh);
    }

    /** Sends a message and waits for the whole answer; returns the page with the answer done. */
    static ChatPage sendAndReceive(ChatCluster cluster, WebDriver driver, String text) {
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), newSession());
        page.send(text);
        String mid = page.newestMessageId();
        page.awaitStatus(mid, "done");
        assertThat(page.userText(mid)).isEqualTo(text);
        assertThat(page.answer(mid)).isEqualTo(ANSWER);
        assertThat(page.turnsFor(mid)).isEqualTo(1);
        assertThat(page.resyncs()).as("replays the page had to ask for").isZero();
        return page;
    }

    /**
     * The pod serving the page's stream is SIGKILLed mid-answer: the page reconnects through the load
     * balancer to the other pod and completes the answer, nothing missing, nothing twice.
     */
    static void podKilledMidAnswer(ChatCluster cluster, WebDriver driver) {
        podKilledMidAnswer(cluster, driver, 30, "pod killed mid-answer");
    }

    /** As above, the pod killed once the page shows {@code killAtLength} characters of the answer. */
    static void podKilledMidAnswer(ChatCluster cluster, WebDriver driver, int killAtLength, String scenario) {
        await("no stream open on any pod").atMost(Duration.ofSeconds(15))
                .until(() -> totalConnections(cluster) == 0);
        ChatPage page = ChatPage.open(driver, cluster.baseUrl(), newSession());
        await("the page's stream on a pod").atMost(Duration.ofSeconds(10))
                .until(() -> totalConnections(cluster) == 1);
        int holder = IntStream.range(0, cluster.podCount())
                .filter(i -> cluster.podAlive(i) && cluster.activeConnections(i) == 1)
                .findFirst().orElseThrow();

        page.send("Outlive a pod");
        String mid = page.newestMessageId();
        page.awaitAnswerLength(mid, killAtLength);
        cluster.killPod(holder);
        String cut = page.answer(mid);

        page.awaitStatus(mid, "done");
        assertThat(cut.length()).as("killed mid-answer").isLessThan(ANSWER.length());
        assertThat(page.answer(mid)).isEqualTo(ANSWER);
        assertThat(page.turnsFor(mid)).isEqualTo(1);
        assertThat(page.connection()).isEqualTo("resumed");
        report(scenario, page);

        // The surviving pod takes the next message too.
        page.send("And after the failover?");
        String next = page.newestMessageId();
        page.awaitStatus(next, "done");
        assertThat(page.answer(next)).isEqualTo(ANSWER);
    }

    /**
     * A resume on another pod may need the page's own replay requests (app.js, resync) to be complete;
     * how many it needed is printed so that a server-side gap stays visible (and fails with strict).
     */
    static void report(String scenario, ChatPage page) {
        int resyncs = page.resyncs();
        System.out.printf("%s: the page asked for %d replay(s) to fill gaps%n", scenario, resyncs);
        if (STRICT) {
            assertThat(resyncs).as(scenario + ": replays the page had to ask for (server lost chunks)").isZero();
        }
    }

    private static int totalConnections(ChatCluster cluster) {
        return IntStream.range(0, cluster.podCount())
                .filter(cluster::podAlive)
                .map(cluster::activeConnections).sum();
    }
}
