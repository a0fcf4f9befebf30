// What a reader's phone shows: links large enough for a finger, the page's one h1, and
// no request that answers 404 (the icon included).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, startSite } from "./support.mjs";

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test("on a phone, every link of a comment is a target a finger can hit", async () => {
  const site = await startSite();
  try {
    const context = await browser.newContext({ viewport: { width: 412, height: 915 }, hasTouch: true });
    const page = await context.newPage();
    const failed = [];
    page.on("response", (response) => { if (response.status() >= 400) failed.push(response.url()); });
    await page.goto(`${site.url}/`);
    assert.equal(await page.locator("h1").count(), 1);
    assert.equal(await page.locator("h1").innerText(), "tidings");
    await page.getByRole("link", { name: "Welcome to tidings", exact: true }).click();
    await page.getByRole("heading", { name: "Leave a Reply" }).waitFor();
    // Wait for the icon's request, which a browser makes after the page.
    await page.waitForLoadState("networkidle");
    assert.deepEqual(failed, []);
    // An "in reply to" link as a flattened reply shows it, beside the others.
    await page.evaluate(() => {
      const meta = document.querySelector(".comment-meta");
      const link = document.createElement("a");
      link.className = "in-reply-to";
      link.href = "#comment-1";
      link.textContent = "in reply to A";
      meta.append(link);
    });
    for (const selector of [".in-reply-to", ".comment-permalink", ".comment-reply-link"]) {
      const box = await page.locator(selector).first().boundingBox();
      assert.ok(box.height >= 24 && box.width >= 24, `${selector}: ${box.width} × ${box.height}`);
    }
  } finally {
    site.stop();
  }
});
