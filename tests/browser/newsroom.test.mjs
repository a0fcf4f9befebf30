// The newsroom's admin screens in a real browser, on their main paths: sections and tags,
// writing an article into a section, pages, the list's filters, the trash.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, startSite, createOwner, screenshot } from "./support.mjs";

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test("an editor files an article in a new section, and readers find it there", async () => {
  const site = await startSite();
  try {
    const page = await (await browser.newContext()).newPage();
    await createOwner(page, site);

    // Sections: add one, and a subsection under it.
    await page.goto(`${site.url}/admin/`);
    await page.getByRole("link", { name: "Sections", exact: true }).click();
    await page.getByLabel("Name", { exact: true }).fill("Politics");
    await page.getByLabel("Description (shown on its page)").fill("Votes, parties, parliament.");
    await page.getByRole("button", { name: "Add the section" }).click();
    await page.getByText("Saved “Politics”.").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Elections");
    await page.getByLabel("Parent section").selectOption({ label: "Politics" });
    await page.getByRole("button", { name: "Add the section" }).click();
    await page.getByText("Saved “Elections”.").waitFor();
    await screenshot(page, "admin-sections");

    // Filing Politics under Elections would be a loop: refused beside the field.
    await page.getByRole("link", { name: "Politics", exact: true }).click();
    await page.getByLabel("Parent section").selectOption({ label: "— Elections" });
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("cannot be filed under itself").waitFor();

    // An article in Elections, with a standfirst and tags.
    await page.getByRole("link", { name: "Articles", exact: true }).click();
    await page.getByRole("link", { name: "Write a new article" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Turnout hits a record");
    await page.getByLabel("Standfirst (the line under the headline; optional)").fill("Queues at every polling station");
    await page.getByLabel("Body (Markdown)").fill("Turnout reached 81 per cent.");
    await page.getByLabel("Status", { exact: true }).selectOption("published");
    await page.getByLabel("Uncategorised").uncheck();
    await page.getByLabel("Elections").check();
    await page.getByLabel("Tags (separated by commas; new ones are created)").fill("Turnout, Polls");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();
    await screenshot(page, "admin-editor");

    // A reader, from the article to its section's page.
    const reader = await (await browser.newContext()).newPage();
    await reader.goto(`${site.url}/`);
    await reader.getByRole("link", { name: "Turnout hits a record", exact: true }).click();
    await reader.getByText("Queues at every polling station").waitFor();
    await reader.getByRole("link", { name: "Elections" }).click();
    await reader.getByRole("heading", { name: "Elections" }).waitFor();
    await reader.getByRole("link", { name: "Turnout hits a record", exact: true }).waitFor();
    await reader.goto(`${site.url}/tag/polls/`);
    await reader.getByRole("link", { name: "Turnout hits a record", exact: true }).waitFor();

    // The list filters by section; the trash takes the article off the site and gives it back.
    await page.goto(`${site.url}/admin/articles`);
    await page.getByLabel("Section", { exact: true }).selectOption({ label: "— Elections" });
    await page.getByRole("button", { name: "Filter" }).click();
    const rows = page.locator("table.articles tbody tr");
    assert.equal(await rows.count(), 1);
    await rows.nth(0).getByRole("button", { name: "Trash" }).click();
    await page.getByText("moved to the trash").waitFor();
    const gone = await reader.goto(`${site.url}/tag/polls/`);
    assert.equal(gone.status(), 200);
    assert.equal(await reader.getByRole("link", { name: "Turnout hits a record", exact: true }).count(), 0);
    await page.getByRole("link", { name: /^Trash/ }).click();
    await page.getByRole("button", { name: "Restore" }).click();
    await page.getByText("Restored from the trash.").waitFor();
  } finally {
    site.stop();
  }
});

test("an editor adds an About page with a subpage, outside the article stream", async () => {
  const site = await startSite();
  try {
    const page = await (await browser.newContext()).newPage();
    await createOwner(page, site);
    await page.goto(`${site.url}/admin/pages`);
    for (const [title, parent] of [["About", null], ["Our team", "About (/about/)"]]) {
      await page.getByRole("link", { name: "Pages", exact: true }).click();
      await page.getByRole("link", { name: "Add a new page" }).click();
      await page.getByLabel("Title", { exact: true }).fill(title);
      await page.getByLabel("Body (Markdown)").fill(`${title}: who we are.`);
      await page.getByLabel("Status", { exact: true }).selectOption("published");
      if (parent) await page.getByLabel("Parent page").selectOption({ label: parent });
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByText("Saved.").waitFor();
    }
    const reader = await (await browser.newContext()).newPage();
    await reader.goto(`${site.url}/about/our-team/`);
    await reader.getByRole("heading", { name: "Our team" }).waitFor();
    await reader.goto(`${site.url}/`);
    assert.equal(await reader.getByText("who we are").count(), 0);
  } finally {
    site.stop();
  }
});

test("the editor autosaves what is typed, and a revision is compared and restored", async () => {
  const site = await startSite();
  try {
    const page = await (await browser.newContext()).newPage();
    await createOwner(page, site);
    await page.goto(`${site.url}/admin/articles/new`);
    await page.getByLabel("Title", { exact: true }).fill("Ferry timetable");
    await page.getByLabel("Body (Markdown)").fill("Ferries leave at nine.");
    await page.getByLabel("Status", { exact: true }).selectOption("published");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();

    // A minute after typing, the text is kept without a save.
    await page.clock.install();
    await page.reload();
    await page.getByLabel("Body (Markdown)").fill("Ferries leave at ten.");
    await page.clock.fastForward(61_000);
    await page.getByText(/^Autosaved at /).waitFor();

    // Ctrl+S saves; the revisions screen shows the words that changed, and restores.
    await page.keyboard.press("Control+s");
    await page.getByText("Saved.").waitFor();
    await page.getByRole("link", { name: "Compare and restore revisions" }).click();
    assert.equal(await page.locator(".diff-text del").first().innerText(), "nine.");
    assert.equal(await page.locator(".diff-text ins").first().innerText(), "ten.");
    await page.getByRole("button", { name: "Restore this version" }).first().click();
    await page.getByText("The revision is restored").waitFor();
    assert.equal(await page.getByLabel("Body (Markdown)").inputValue(), "Ferries leave at nine.");
  } finally {
    site.stop();
  }
});

test("the dashboard opens first, with its chart and the numbers behind it", async () => {
  const site = await startSite();
  try {
    const page = await (await browser.newContext()).newPage();
    await createOwner(page, site);
    await page.goto(`${site.url}/admin/`);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.getByRole("heading", { name: /Waiting for review/ }).waitFor();
    const chart = page.getByRole("img", { name: /Comments per day over the last 30 days/ });
    assert.ok(await chart.isVisible());
    const box = await chart.boundingBox();
    assert.ok(box.width > 300 && box.height > 80, JSON.stringify(box));
    // The welcome article's sample comment is the one bar (today's, or yesterday's if
    // midnight passed since the site started); the table says the same.
    assert.equal(await page.locator("svg.comment-chart rect").count(), 1);
    await page.getByText("The numbers, day by day").click();
    const rows = page.locator("table.chart-table tbody tr");
    assert.equal(await rows.count(), 30);
    const texts = await rows.allInnerTexts();
    assert.equal(texts.filter((text) => /\t1\t0\t0$/.test(text)).length, 1, texts.join("\n"));
    assert.equal(texts.filter((text) => /\t0\t0\t0$/.test(text)).length, 29);
    await screenshot(page, "admin-dashboard");
  } finally {
    site.stop();
  }
});

test("the editor previews as it is typed, with a toolbar, and without script a Preview button", async () => {
  const site = await startSite();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await createOwner(page, site);
    await page.goto(`${site.url}/admin/articles/new`);
    const body = page.getByLabel("Body (Markdown)");
    await body.fill("The vote was close.");
    await body.selectText();
    await page.getByRole("toolbar", { name: "Formatting" }).getByRole("button", { name: "Bold" }).click();
    assert.equal(await body.inputValue(), "**The vote was close.**");
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.locator("strong", { hasText: "The vote was close." }).waitFor();
    await page.locator("#word-count", { hasText: "4 words · 1 min read" }).waitFor();
    await page.keyboard.press("Control+Shift+P");
    assert.equal(await preview.isVisible(), false);

    // Without script: a plain textarea, and Preview opens the page as readers will see it.
    const plainContext = await browser.newContext({ javaScriptEnabled: false, storageState: await context.storageState() });
    const plain = await plainContext.newPage();
    await plain.goto(`${site.url}/admin/articles/new`);
    assert.equal(await plain.getByRole("toolbar").count(), 0);
    await plain.getByLabel("Title", { exact: true }).fill("Close vote");
    await plain.getByLabel("Body (Markdown)").fill("The vote was *close*.");
    const [opened] = await Promise.all([
      plainContext.waitForEvent("page"),
      plain.getByRole("button", { name: "Preview" }).click(),
    ]);
    await opened.getByRole("heading", { name: "Close vote" }).waitFor();
    await opened.locator("em", { hasText: "close" }).waitFor();
  } finally {
    site.stop();
  }
});

test("an author fills in their profile and readers find it behind the byline", async () => {
  const site = await startSite();
  try {
    const page = await (await browser.newContext()).newPage();
    await createOwner(page, site);
    await page.getByRole("link", { name: "Olive Owner" }).click();
    await page.getByLabel("Bio (shown on your author page)").fill("Editor of the morning edition.");
    await page.getByRole("button", { name: "Save the profile" }).click();
    await page.getByText("Profile saved.").waitFor();
    // A picture for the author page, drawn by the browser as a JPEG.
    const portrait = Buffer.from((await page.evaluate(() => {
      const canvas = document.createElement("canvas");
      canvas.width = 400;
      canvas.height = 400;
      const context = canvas.getContext("2d");
      context.fillStyle = "#1d4e89";
      context.fillRect(0, 0, 400, 400);
      return canvas.toDataURL("image/jpeg", 0.9);
    })).split(",")[1], "base64");
    await page.getByLabel(/^A photo for your author page/).setInputFiles({
      name: "olive.jpg", mimeType: "image/jpeg", buffer: portrait,
    });
    await page.getByRole("button", { name: "Save the picture" }).click();
    await page.getByText("Picture saved.").waitFor();
    await page.goto(`${site.url}/admin/articles/new`);
    await page.getByLabel("Title", { exact: true }).fill("Morning briefing");
    await page.getByLabel("Body (Markdown)").fill("Five things to know.");
    await page.getByLabel("Status", { exact: true }).selectOption("published");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();

    const reader = await (await browser.newContext()).newPage();
    await reader.goto(`${site.url}/`);
    await reader.getByRole("link", { name: "Morning briefing", exact: true }).click();
    await reader.locator(".byline").getByRole("link", { name: "Olive Owner" }).click();
    await reader.getByRole("heading", { name: "Olive Owner" }).waitFor();
    await reader.getByText("Editor of the morning edition.").waitFor();
    const picture = reader.locator("img.archive-picture");
    assert.match(await picture.getAttribute("src"), /^\/media\/[0-9a-f]{16}\/320\.jpg$/);
    assert.ok(await picture.evaluate((img) => img.complete && img.naturalWidth === 320));
    await reader.getByRole("link", { name: "Morning briefing", exact: true }).waitFor();
  } finally {
    site.stop();
  }
});

test("an administrator invites a contributor and changes a role on the Users screen", async () => {
  const site = await startSite();
  try {
    const page = await (await browser.newContext()).newPage();
    await createOwner(page, site);
    await page.getByRole("link", { name: "Users", exact: true }).click();
    await page.getByLabel("Email").fill("cora@newsroom.example");
    await page.getByLabel("Name", { exact: true }).fill("Cora Contributor");
    await page.getByLabel("Role", { exact: true }).selectOption("contributor");
    await page.getByRole("button", { name: "Send the invitation", exact: true }).click();
    await page.getByText("Cora Contributor is invited").waitFor();
    // The mail never came: a new one, from her row.
    await page.getByRole("row", { name: /Cora Contributor/ }).getByRole("button", { name: "Send the invitation again" }).click();
    await page.getByText("A new invitation is on its way to cora@newsroom.example").waitFor();
    const role = page.getByLabel("Role of Cora Contributor");
    assert.equal(await role.inputValue(), "contributor");
    await role.selectOption("author");
    await page.getByRole("row", { name: /Cora Contributor/ }).getByRole("button", { name: "Change" }).click();
    await page.getByText("The role is changed.").waitFor();
    assert.equal(await page.getByLabel("Role of Cora Contributor").inputValue(), "author");
    await page.getByRole("row", { name: /Cora Contributor/ }).getByRole("button", { name: "Deactivate" }).click();
    await page.getByText("The account is deactivated").waitFor();
    // "Lost your password?" is one click from the sign-in page.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${site.url}/admin/login`);
    await visitor.getByRole("link", { name: "Lost your password?" }).click();
    await visitor.getByLabel("Email").fill("nobody@newsroom.example");
    await visitor.getByRole("button", { name: "Send me a link" }).click();
    await visitor.getByText("If nobody@newsroom.example has an account here").waitFor();
  } finally {
    site.stop();
  }
});
