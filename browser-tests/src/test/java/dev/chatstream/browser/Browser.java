package dev.chatstream.browser;

import dev.chatstream.testkit.TestLogs;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;

/**
 * Headless Debian Chromium through the system chromedriver. The driver path is given explicitly,
 * so Selenium Manager is never run and nothing is downloaded.
 */
final class Browser {
    static final String CHROMIUM = System.getProperty("browser.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("browser.chromedriver", "/usr/bin/chromedriver");

    private Browser() {
    }

    static ChromeDriver start() {
        for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
            if (!new File(binary).canExecute()) {
                throw new IllegalStateException(binary + " not found: install it with 'sudo apt-get install chromium chromium-driver'");
            }
        }
        try {
            java.nio.file.Path log = TestLogs.file("chromedriver-" + System.nanoTime() + ".log");
            Files.createDirectories(log.getParent());
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER))
                    .usingAnyFreePort()
                    .withLogFile(log.toFile())
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--window-size=1000,760",
                    // Tabs in the background keep running their timers and event handlers.
                    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                    "--disable-backgrounding-occluded-windows",
                    "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
            return driver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
