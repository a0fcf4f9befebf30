// What every browser test needs: Debian's chromium, and the real tidings binary serving a
// fresh data folder on 127.0.0.1.
//
// TIDINGS_BIN names another binary; CHROMIUM another browser; SCREENSHOTS a folder to
// keep screenshots in.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const binary = process.env.TIDINGS_BIN ?? join(root, "target", "debug", "tidings");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

export async function launchBrowser() {
  assert.ok(existsSync(binary), `${binary} is missing: run cargo build first`);
  return chromium.launch({
    executablePath,
    // This machine has no network beyond loopback: keep Chromium from phoning home.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Starts tidings on a free port with a fresh data folder; resolves to {url, setup, stop}. */
export async function startSite() {
  const data = mkdtempSync(join(tmpdir(), "tidings-browser-"));
  const child = spawn(binary, ["--data", data, "serve", "--listen", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, RUST_LOG: "warn" },
  });
  const lines = createInterface({ input: child.stdout });
  let setup;
  const url = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`tidings exited with ${code}`)));
    lines.on("line", (line) => {
      const link = line.match(/(http:\/\/\S+\/admin\/setup\?token=\w+)/);
      if (link) setup = link[1];
      const match = line.match(/^tidings is serving .* at (http:\/\/[^/]+)\//);
      if (match) resolve(match[1]);
    });
  });
  return {
    url,
    setup,
    stop() {
      child.kill("SIGTERM");
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** What a site owner does first: creates the administrator with the printed link. */
export async function createOwner(page, site) {
  await page.goto(site.setup);
  await page.getByLabel("Your name").fill("Olive Owner");
  await page.getByLabel("Email").fill("olive@newsroom.example");
  await page.getByLabel("Password", { exact: true }).fill("a long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Opens the welcome article a fresh site has, at its comment form. */
export async function openWelcome(page, url) {
  await page.goto(`${url}/`);
  await page.getByRole("link", { name: "Welcome to tidings", exact: true }).click();
  await page.getByRole("heading", { name: "Leave a Reply" }).waitFor();
}

/** Fills the comment form's three main fields. */
export async function fillComment(page, text, name, email) {
  await page.getByLabel("Comment *").fill(text);
  await page.getByLabel("Name *").fill(name);
  await page.getByLabel("Email *").fill(email);
}

export async function screenshot(page, name) {
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: join(process.env.SCREENSHOTS, `${name}.png`), fullPage: true });
  }
}

/** The violations of WCAG 2.2 AA that axe-core finds on the page now, as readable lines. */
export async function violations(page) {
  // Evaluated through the DevTools protocol, not as a <script>: the site's CSP (rightly)
  // refuses inline scripts, and the page is checked under its real policy.
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(readFileSync(axePath, "utf8"));
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    }),
  );
  return result.violations.map((violation) =>
    `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.html).slice(0, 3).join(" | ")}`);
}
