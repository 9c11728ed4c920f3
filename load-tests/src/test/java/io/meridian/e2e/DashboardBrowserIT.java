package io.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real headless Chromium against the real local stack: it shows the three
 * regions, a queue's counters move when tasks go through the gateway, and a killed region turns
 * red and says since when it is unreachable; with the admin token that {@code bin/meridian}
 * generated, the page pauses and resumes a region's queue. Screenshots land in {@code target/dashboard.png} and
 * {@code target/dashboard-region-down.png}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}; without them the test is skipped
 * with a message saying so (the CI script installs both).
 */
class DashboardBrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String US_CLIENT = "8.8.8.8";

    static LocalStack stack;
    static ChromeDriver browser;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(LocalStack.timeout()).build();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Dashboard browser test skipped: " + CHROMIUM + " and " + CHROMEDRIVER
                        + " are needed (apt-get install -y chromium chromium-driver)");
        stack = LocalStack.start();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,1100");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        }
        finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Test
    void showsTheRegionsTheirQueuesMovingAndAKilledRegionInRed() throws Exception {
        browser.get(stack.baseUrl() + "/dashboard");
        await().ignoreException(StaleElementReferenceException.class).atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                browser.findElements(By.cssSelector("article.card[data-region]")).stream()
                        .map(card -> card.getAttribute("data-region")).toList())
                .containsExactly("us-east", "eu-central", "ap-southeast"));
        await().ignoreException(StaleElementReferenceException.class).atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                browser.findElements(By.cssSelector("#map-regions .region-marker"))).hasSize(3));
        assertThat(browser.findElements(By.cssSelector("#map-countries path.country"))).hasSizeGreaterThan(100);

        long before = completed("us-east", "simple");
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> answer = process("{\"query\":\"what is the capital of France?\",\"kind\":\"simple\"}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
        await().ignoreException(StaleElementReferenceException.class).atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(completed("us-east", "simple")).isGreaterThanOrEqualTo(before + 20));
        await().ignoreException(StaleElementReferenceException.class).atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(browser.findElement(By.id("countries")).getText()).contains("US"));
        screenshot("dashboard.png");

        // Control: the token bin/meridian generated, entered in the page, pauses a queue in its region.
        String token = Files.readString(stack.home.resolve("admin-token")).strip();
        browser.findElement(By.id("admin-token")).click();
        browser.switchTo().alert().sendKeys(token);
        browser.switchTo().alert().accept();
        click("ap-southeast", "simple", "pause");
        await().ignoreException(StaleElementReferenceException.class).atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(browser.findElement(By.cssSelector(
                "article.card[data-region='ap-southeast'] tr[data-queue='simple'] td.name")).getText())
                .containsIgnoringCase("paused"));
        click("ap-southeast", "simple", "resume");
        await().ignoreException(StaleElementReferenceException.class).atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(browser.findElement(By.cssSelector(
                "article.card[data-region='ap-southeast'] tr[data-queue='simple'] td.name")).getText())
                .doesNotContainIgnoringCase("paused"));

        assertThat(card("eu-central").getAttribute("data-status")).isEqualTo("healthy");
        stack.run("kill", "eu-central");
        await().ignoreException(StaleElementReferenceException.class).atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            WebElement card = card("eu-central");
            assertThat(card.getAttribute("data-status")).isEqualTo("down");
            assertThat(card.getText()).containsPattern("Unreachable since \\d{2}:\\d{2}:\\d{2}");
            assertThat(card.getCssValue("border-left-color")).isEqualTo("rgba(248, 81, 73, 1)");
        });
        assertThat(browser.findElement(By.cssSelector("#map-regions [data-region='eu-central']"))
                .getAttribute("data-status")).isEqualTo("down");
        assertThat(card("us-east").getAttribute("data-status")).isEqualTo("healthy");
        screenshot("dashboard-region-down.png");
    }

    /** Clicks a queue's control button; the page re-renders on every update, so a stale button is looked up again. */
    static void click(String region, String queue, String action) {
        await().ignoreException(StaleElementReferenceException.class).atMost(Duration.ofSeconds(10)).until(() -> {
            browser.findElement(By.cssSelector("article.card[data-region='" + region + "'] tr[data-queue='" + queue
                    + "'] button[data-action='" + action + "']")).click();
            return true;
        });
    }

    static WebElement card(String region) {
        return browser.findElement(By.cssSelector("article.card[data-region='" + region + "']"));
    }

    static long completed(String region, String queue) {
        List<WebElement> cells = browser.findElements(By.cssSelector(
                "article.card[data-region='" + region + "'] tr[data-queue='" + queue + "'] td.completed"));
        return cells.isEmpty() ? -1 : Long.parseLong(cells.getFirst().getText().replace(",", ""));
    }

    static HttpResponse<String> process(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/process"))
                .timeout(LocalStack.timeout())
                .header("X-Forwarded-For", US_CLIENT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static void screenshot(String name) throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }
}
