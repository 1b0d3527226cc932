package io.invalidator.web;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** The task board in one browser window, read as data (rows, stats, connection state) and driven like a person. */
final class BoardPage {

    /** One row of the list as the page shows it. */
    record Row(long id, String title, String status, Long assigneeId, String assignee) {
        boolean completed() {
            return "COMPLETED".equals(status);
        }
    }

    private static final String ROWS = """
            return [...document.querySelectorAll('#todo-list li[data-todo-id]')].map((li) => ({
              id: Number(li.dataset.todoId), title: li.querySelector('.title').textContent, status: li.dataset.status,
              assigneeId: li.dataset.assigneeId ? Number(li.dataset.assigneeId) : null,
              assignee: li.querySelector('.assignee').selectedOptions[0]?.textContent ?? null }));
            """;
    // Counts every time the page fell back to its loading note after having shown data (it must not, on refetch).
    private static final String WATCH_LOADING = """
            const note = document.getElementById('todos-note');
            window.__loadingShown = 0;
            window.__pageId = Math.random();
            new MutationObserver(() => {
              if (!note.hidden && note.textContent.startsWith('Loading')) window.__loadingShown++;
            }).observe(note, { attributes: true, childList: true, characterData: true, subtree: true });
            return window.__pageId;
            """;

    private final ChromeDriver driver;
    private final String window;
    private final String url;
    private Object pageId;

    BoardPage(ChromeDriver driver, String window, String url) {
        this.driver = driver;
        this.window = window;
        this.url = url;
    }

    /** Loads the board and waits until its stream is live and its list is shown. */
    BoardPage open() {
        focus();
        driver.get(url + "/");
        awaitConnection("live", Duration.ofSeconds(20));
        await(Duration.ofSeconds(10), page -> (Boolean) page.script(
                "return document.getElementById('todos-note').textContent !== 'Loading tasks…'"));
        pageId = script(WATCH_LOADING);
        return this;
    }

    String connection() {
        return (String) script("return document.getElementById('connection').dataset.state");
    }

    void awaitConnection(String state, Duration timeout) {
        await(timeout, page -> state.equals(page.connection()));
    }

    List<Row> rows() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) script(ROWS);
        return rows.stream().map(r -> new Row((Long) r.get("id"), (String) r.get("title"), (String) r.get("status"),
                (Long) r.get("assigneeId"), (String) r.get("assignee"))).toList();
    }

    Optional<Row> row(String title) {
        return rows().stream().filter(r -> r.title().equals(title)).findFirst();
    }

    /** Waits until the row with this title satisfies the condition; returns it. */
    Row awaitRow(String title, Predicate<Row> condition, Duration timeout) {
        return await(timeout, page -> page.row(title).filter(condition).orElse(null));
    }

    void awaitNoRow(String title, Duration timeout) {
        await(timeout, page -> page.row(title).isEmpty());
    }

    /** total, open, completed as shown. */
    Map<String, String> stats() {
        @SuppressWarnings("unchecked")
        Map<String, String> stats = (Map<String, String>) script("return Object.fromEntries([...document"
                + ".querySelectorAll('[data-stat]')].map((d) => [d.dataset.stat, d.textContent]))");
        return stats;
    }

    List<String> people() {
        focus();
        return driver.findElements(By.cssSelector("#user-list li")).stream().map(WebElement::getText).toList();
    }

    void addTodo(String title) {
        submit("#new-todo", "title", title);
    }

    void addPerson(String name) {
        submit("#new-user", "name", name);
    }

    /** Completes an open task or reopens a completed one. */
    void toggle(String title) {
        rowElement(title).findElement(By.cssSelector("button.toggle")).click();
    }

    void delete(String title) {
        rowElement(title).findElement(By.cssSelector("button.delete")).click();
    }

    void assign(String title, String person) {
        new Select(rowElement(title).findElement(By.cssSelector("select.assignee"))).selectByVisibleText(person);
    }

    /** True while this is the page {@link #open()} loaded (no reload since) and it never fell back to "Loading". */
    boolean stayedLoadedWithoutSpinner() {
        return pageId != null && pageId.equals(script("return window.__pageId"))
                && Long.valueOf(0).equals(script("return window.__loadingShown"));
    }

    /** Waits, polling this window every 20 ms, until the function returns something other than null or false. */
    <T> T await(Duration timeout, java.util.function.Function<BoardPage, T> condition) {
        focus();
        return new WebDriverWait(driver, timeout, Duration.ofMillis(20))
                .withMessage(() -> "board at " + url + " (connection " + connection() + ", rows " + rows() + ")")
                .until(d -> condition.apply(this));
    }

    Object script(String script) {
        focus();
        return driver.executeScript(script);
    }

    void focus() {
        if (!window.equals(driver.getWindowHandle())) {
            driver.switchTo().window(window);
        }
    }

    private void submit(String form, String field, String value) {
        focus();
        WebElement input = driver.findElement(By.cssSelector(form + " [name=" + field + "]"));
        input.clear();
        input.sendKeys(value);
        driver.findElement(By.cssSelector(form + " button[type=submit]")).click();
    }

    private WebElement rowElement(String title) {
        long id = await(Duration.ofSeconds(5), page -> page.row(title).map(Row::id).orElse(null));
        return driver.findElement(By.cssSelector("#todo-list li[data-todo-id='" + id + "']"));
    }
}
