// What a reader does in a real browser: Debian's chromium, driven by Playwright, against
// the real tidings binary serving a fresh data folder on 127.0.0.1.
//
// Run from the repository root after `cargo build`: node --test tests/browser/
// (see support.mjs for the environment variables).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, startSite, screenshot } from "./support.mjs";

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test("a reader posts a comment and sees it awaiting moderation; others do not", async () => {
  const site = await startSite();
  try {
    const reader = await browser.newContext();
    const page = await reader.newPage();
    await page.goto(`${site.url}/`);
    await page.getByRole("link", { name: "Welcome to tidings", exact: true }).click();
    await page.getByRole("heading", { name: "Leave a Reply" }).waitFor();

    await page.getByLabel("Comment *").fill("Great first issue!\n\nLooking forward to more.");
    await page.getByLabel("Name *").fill("Rita Reader");
    await page.getByLabel("Email *").fill("rita@readers.example");
    await page.getByLabel("Website", { exact: true }).fill("https://rita.example");
    await screenshot(page, "1-form-filled");
    await page.getByRole("button", { name: "Post Comment" }).click();

    await page.waitForURL(/unapproved=\d+/);
    const pending = page.locator("li.comment-awaiting-moderation");
    await pending.getByText("Your comment is awaiting moderation.").waitFor();
    assert.match(await pending.innerText(), /Great first issue!/);
    assert.match(await pending.innerText(), /Rita Reader/);
    // A held comment's links are not live.
    assert.equal(await pending.locator("a[href^='https://rita.example']").count(), 0);
    await screenshot(page, "2-awaiting-moderation");

    const someoneElse = await (await browser.newContext()).newPage();
    await someoneElse.goto(page.url().split("?")[0]);
    assert.equal(await someoneElse.getByText("Great first issue!").count(), 0);
    assert.equal(await someoneElse.getByText("rita@readers.example").count(), 0);
  } finally {
    site.stop();
  }
});

test("the reply link moves the form under the comment, and the reply nests", async () => {
  const site = await startSite();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.url}/`);
    await page.getByRole("link", { name: "Welcome to tidings", exact: true }).click();
    await page.getByRole("link", { name: "Reply to A tidings reader" }).click();

    const heading = page.locator("#reply-title");
    assert.match(await heading.innerText(), /Leave a Reply to A tidings reader/);
    assert.equal(await page.locator("#comment_parent").inputValue(), "1");
    // The form now sits inside the comment it answers.
    assert.equal(await page.locator("#comment-1 #respond").count(), 1);
    await screenshot(page, "3-replying");

    await page.getByLabel("Comment *").fill("A reply to the sample.");
    await page.getByLabel("Name *").fill("Rob Replier");
    await page.getByLabel("Email *").fill("rob@readers.example");
    await page.getByRole("button", { name: "Post Comment" }).click();
    await page.waitForURL(/unapproved=\d+/);
    const reply = page.locator("#comment-1 ol.children li.comment-awaiting-moderation");
    await reply.getByText("A reply to the sample.").waitFor();

    // Cancel puts the form back at the end, answering nobody.
    await page.goto(`${site.url}/`);
    await page.getByRole("link", { name: "Welcome to tidings", exact: true }).click();
    await page.getByRole("link", { name: "Reply to A tidings reader" }).click();
    await page.getByRole("link", { name: "Cancel reply" }).click();
    assert.equal(await page.locator("#comment_parent").inputValue(), "0");
    assert.match(await heading.innerText(), /^Leave a Reply\s*$/);
  } finally {
    site.stop();
  }
});

test("a reader who posts too fast keeps every word", async () => {
  const site = await startSite();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.url}/`);
    await page.getByRole("link", { name: "Welcome to tidings", exact: true }).click();
    const post = async (text) => {
      await page.getByLabel("Comment *").fill(text);
      await page.getByLabel("Name *").fill("Quick Quentin");
      await page.getByLabel("Email *").fill("quentin@readers.example");
      await page.getByRole("button", { name: "Post Comment" }).click();
      await page.waitForLoadState();
    };
    await post("First thought.");
    await page.waitForURL(/unapproved=/);
    await post("A second, long and carefully written thought.");
    await page.getByText("You are posting comments too quickly.").waitFor();
    assert.equal(await page.getByLabel("Comment *").inputValue(), "A second, long and carefully written thought.");
    assert.equal(await page.getByLabel("Name *").inputValue(), "Quick Quentin");
    await screenshot(page, "4-too-fast");
  } finally {
    site.stop();
  }
});
