package dev.chatstream.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The chat page as a test sees it: what a user does and what the DOM shows. */
final class ChatPage {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final WebDriver driver;

    ChatPage(WebDriver driver) {
        this.driver = driver;
    }

    /** Opens {@code baseUrl?session=<session>} and waits until its stream is connected. */
    static ChatPage open(WebDriver driver, String baseUrl, String session) {
        driver.get(baseUrl + "?session=" + session);
        ChatPage page = new ChatPage(driver);
        page.awaitConnection("connected");
        return page;
    }

    void send(String text) {
        driver.findElement(By.id("message")).sendKeys(text, Keys.ENTER);
    }

    /** The message id of the newest turn, once it is on the page. */
    String newestMessageId() {
        return until(d -> (String) js("const t = document.querySelectorAll('li.turn');"
                + " return t.length ? t[t.length - 1].dataset.mid : null;"));
    }

    /** The answer as the page holds it, its Markdown source (what the server streamed, in order). */
    String answer(String mid) {
        return (String) js("const e = document.querySelector(`li[data-mid=\"${arguments[0]}\"] .answer .text`);"
                + " return e ? (e.dataset.markdown ?? null) : null;", mid);
    }

    /** How many elements matching {@code selector} the rendered answer has. */
    long countInAnswer(String mid, String selector) {
        return (Long) js("const e = document.querySelector(`li[data-mid=\"${arguments[0]}\"] .answer .text`);"
                + " return e ? e.querySelectorAll(arguments[1]).length : 0;", mid, selector);
    }

    /** The {@code textContent} of the rendered answer's first element matching {@code selector}, or null. */
    String textInAnswer(String mid, String selector) {
        return (String) js("const e = document.querySelector(`li[data-mid=\"${arguments[0]}\"] .answer .text`);"
                + " const x = e && e.querySelector(arguments[1]); return x ? x.textContent : null;", mid, selector);
    }

    /** An attribute of the rendered answer's first element matching {@code selector}, or null. */
    String attributeInAnswer(String mid, String selector, String attribute) {
        return (String) js("const e = document.querySelector(`li[data-mid=\"${arguments[0]}\"] .answer .text`);"
                + " const x = e && e.querySelector(arguments[1]); return x ? x.getAttribute(arguments[2]) : null;",
                mid, selector, attribute);
    }

    /** Waits until the rendered answer has an element matching {@code selector}. */
    void awaitInAnswer(String mid, String selector) {
        until(d -> countInAnswer(mid, selector) > 0);
    }

    /** Runs {@code script} in the page and returns its result (e.g. a flag a test hook set). */
    Object evaluate(String script, Object... args) {
        return js(script, args);
    }

    String userText(String mid) {
        return (String) js("const e = document.querySelector(`li[data-mid=\"${arguments[0]}\"] .user .text`);"
                + " return e ? e.textContent : null;", mid);
    }

    String note(String mid) {
        return (String) js("const e = document.querySelector(`li[data-mid=\"${arguments[0]}\"] .answer .note`);"
                + " return e ? e.textContent : null;", mid);
    }

    String status(String mid) {
        return (String) js("const e = document.querySelector(`li[data-mid=\"${arguments[0]}\"]`);"
                + " return e ? e.dataset.status : null;", mid);
    }

    long turnsFor(String mid) {
        return (Long) js("return document.querySelectorAll(`li[data-mid=\"${arguments[0]}\"]`).length;", mid);
    }

    /**
     * How often the page had to ask the server to replay because chunk ids skipped or an answer went
     * silent: 0 when the server delivered every chunk itself.
     */
    int resyncs() {
        Object value = js("return document.documentElement.dataset.resyncs || '0';");
        return Integer.parseInt(String.valueOf(value));
    }

    String connection() {
        return driver.findElement(By.id("connection")).getAttribute("data-state");
    }

    void awaitConnection(String... states) {
        until(d -> List.of(states).contains(connection()));
    }

    /** Waits until the page has asked the server for the session's earlier turns (and shown them). */
    void awaitEarlierTurns() {
        until(d -> "loaded".equals(js("return document.documentElement.dataset.earlierTurns")));
    }

    void awaitStatus(String mid, String status) {
        until(d -> status.equals(status(mid)));
    }

    /** Waits until the answer shows at least {@code length} characters (while it is still streaming). */
    void awaitAnswerLength(String mid, int length) {
        until(d -> {
            String text = answer(mid);
            return text != null && text.length() >= length;
        });
    }

    void stop() {
        driver.findElement(By.id("stop")).click();
    }

    /** Clicks the Retry button of a message that failed to send. */
    void retry(String mid) {
        driver.findElement(By.cssSelector("li[data-mid='" + mid + "'] button.retry")).click();
    }

    void reload() {
        driver.navigate().refresh();
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private <T> T until(java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(25)).until(condition);
    }
}
