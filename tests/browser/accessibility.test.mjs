// axe-core, the accessibility engine behind Lighthouse and most audits, in Chromium: no
// violation of the WCAG 2.2 AA rules on every kind of public page and every admin screen,
// in light and in dark mode; and screenshots of the front page and an article on a phone
// (390 px) and a wide screen (1280 px), kept in SCREENSHOTS (target/screenshots when unset).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser, startSite, createOwner, violations } from "./support.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const screenshots = process.env.SCREENSHOTS ?? join(root, "target", "screenshots");

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test("every page and admin screen passes axe in light and dark mode", async () => {
  const site = await startSite();
  try {
    const year = new Date().getUTCFullYear();
    const publicPaths = [
      "/",
      "/category/uncategorised/",
      `/${year}/`,
      "/?s=welcome",
      "/search/zeppelin/",
      "/no-such-page/",
      "/corrections/",
    ];
    const adminPaths = [
      "/admin/",
      "/admin/articles",
      "/admin/articles/new",
      "/admin/pages",
      "/admin/comments",
      "/admin/sections",
      "/admin/tags",
      "/admin/media",
      "/admin/profile",
      "/admin/users",
      "/admin/settings/discussion",
      "/admin/status",
      "/admin/privacy",
    ];
    const found = [];
    for (const colorScheme of ["light", "dark"]) {
      // The site forbids inline scripts (its CSP); the audit injects one, so only it may.
      const context = await browser.newContext({ colorScheme, bypassCSP: true, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const check = async (path) => {
        await page.goto(`${site.url}${path}`);
        for (const line of await violations(page)) found.push(`${colorScheme} ${path}: ${line}`);
      };
      for (const path of publicPaths) await check(path);
      // The welcome article, with its comment form and the sample comment.
      await page.goto(`${site.url}/`);
      const article = await page.getByRole("link", { name: "Welcome to tidings", exact: true }).getAttribute("href");
      await check(article);
      await check("/admin/login");
      if (colorScheme === "light") {
        await createOwner(page, site);
      } else {
        await page.getByLabel("Email").fill("olive@newsroom.example");
        await page.getByLabel("Password").fill("a long enough password");
        await page.getByRole("button", { name: "Log in" }).click();
        await page.waitForURL(/\/admin\//);
      }
      for (const path of adminPaths) await check(path);
      await context.close();
    }
    assert.deepEqual(found, []);
  } finally {
    site.stop();
  }
});

test("the front page and an article, on a phone and a wide screen", async () => {
  const site = await startSite();
  try {
    mkdirSync(screenshots, { recursive: true });
    for (const width of [390, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${site.url}/`);
      // Nothing wider than the screen: no sideways scrolling on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the front page is ${overflow} px wider than ${width} px`);
      await page.screenshot({ path: join(screenshots, `front-${width}.png`), fullPage: true });
      await page.getByRole("link", { name: "Welcome to tidings", exact: true }).click();
      await page.getByRole("heading", { name: "Leave a Reply" }).waitFor();
      const articleOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(articleOverflow <= 0, `the article is ${articleOverflow} px wider than ${width} px`);
      await page.screenshot({ path: join(screenshots, `article-${width}.png`), fullPage: true });
      await context.close();
    }
  } finally {
    site.stop();
  }
});
