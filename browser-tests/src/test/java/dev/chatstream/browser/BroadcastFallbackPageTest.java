package dev.chatstream.browser;

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
import org.openqa.selenium.chrome.ChromeDriver;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The chat page against a cluster without Redis ({@code bin/cluster up --no-redis}): workers do not know
 * which pods hold a session and broadcast every answer to all pods.
 */
@Tag("slow")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BroadcastFallbackPageTest {
    private static final String MISSING = ChatCluster.missingService();
    private static ChatCluster cluster;
    private static ChromeDriver driver;

    @BeforeAll
    static void startClusterAndBrowser() {
        if (MISSING == null && System.getProperty("browser.baseUrl", "").isBlank()) {
            cluster = ChatCluster.startWithoutRedis();
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
        assumeTrue(cluster != null, "starts its own cluster without Redis; not run against -Dbrowser.baseUrl");
        PageScenarios.oneFreshTab(driver);
    }

    @Test
    @Order(1)
    @DisplayName("without Redis an answer still streams into the page, whole")
    void streamsWithoutRedis() {
        PageScenarios.sendAndReceive(cluster, driver, "No registry here");
    }

    @Test
    @Order(2)
    @DisplayName("without Redis, killing the pod that holds the page's stream mid-answer loses and repeats no text")
    void podKilledWithoutRedis() {
        PageScenarios.podKilledMidAnswer(cluster, driver);
    }
}
