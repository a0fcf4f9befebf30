// Images in a real browser: the media library's plain upload form, and the editor, where an
// image chosen or dropped goes into the text at the cursor and the preview shows it.

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

// A JPEG drawn by the browser itself: a gradient, `width` × `height`.
async function drawJpeg(page, width, height) {
  const dataUrl = await page.evaluate(([w, h]) => {
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const context = canvas.getContext("2d");
    const gradient = context.createLinearGradient(0, 0, w, h);
    gradient.addColorStop(0, "#1d4e89");
    gradient.addColorStop(1, "#f4a259");
    context.fillStyle = gradient;
    context.fillRect(0, 0, w, h);
    return canvas.toDataURL("image/jpeg", 0.9);
  }, [width, height]);
  return Buffer.from(dataUrl.split(",")[1], "base64");
}

test("an editor uploads photos, puts one in an article, and readers get its widths", async () => {
  const site = await startSite();
  try {
    const page = await (await browser.newContext()).newPage();
    await createOwner(page, site);

    // The library: the plain form, an alt text, a file.
    await page.goto(`${site.url}/admin/`);
    await page.getByRole("link", { name: "Media", exact: true }).click();
    await page.getByText("No images yet").waitFor();
    const harbour = await drawJpeg(page, 1800, 1200);
    await page.getByLabel("Alt text (what the image shows").fill("The harbour at dawn");
    await page.getByLabel(/^Image \(JPEG, PNG, WebP or GIF; at most 20 MB\)/).setInputFiles({
      name: "harbour.jpg", mimeType: "image/jpeg", buffer: harbour,
    });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByText("Image uploaded.").waitFor();
    const markdown = await page.getByLabel("Markdown for an article").inputValue();
    assert.match(markdown, /^!\[The harbour at dawn\]\(\/media\/[0-9a-f]{16}\/1600\.jpg\)$/);
    const thumbnail = page.locator("#library img").first();
    await thumbnail.waitFor();
    assert.ok(await thumbnail.evaluate((img) => img.complete && img.naturalWidth === 320));

    // A file that is not an image: refused beside the field, the alt text kept.
    await page.getByLabel("Alt text (what the image shows").fill("A chart");
    await page.getByLabel(/^Image \(JPEG/).setInputFiles({
      name: "chart.jpg", mimeType: "image/jpeg", buffer: Buffer.from("%PDF-1.4 not a chart"),
    });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByText("not an image the site can show").first().waitFor();
    assert.equal(await page.getByLabel("Alt text (what the image shows").inputValue(), "A chart");
    await screenshot(page, "admin-media");

    // The editor: an image chosen with script goes in at the cursor, its alt asked for.
    await page.getByRole("link", { name: "Articles", exact: true }).click();
    await page.getByRole("link", { name: "Write a new article" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Fishing boats return");
    const body = page.getByLabel("Body (Markdown)");
    await body.fill("The fleet came back at dawn.");
    page.once("dialog", (dialog) => dialog.accept("Boats at the quay"));
    await page.locator("#editor-file").setInputFiles({
      name: "boats.jpg", mimeType: "image/jpeg", buffer: await drawJpeg(page, 1200, 800),
    });
    await page.getByText("boats.jpg uploaded and inserted.").waitFor();
    assert.match(await body.inputValue(), /^The fleet came back at dawn\.\n\n!\[Boats at the quay\]\(\/media\/[0-9a-f]{16}\/1200\.jpg\)\n\n$/);
    // The live preview shows it with its widths.
    const previewed = page.locator("#live-preview img[alt='Boats at the quay']");
    await previewed.waitFor();
    assert.match(await previewed.getAttribute("srcset"), /320\.jpg 320w, .*1200\.jpg 1200w$/);

    // From the library: the harbour, featured.
    const harbourItem = page.locator(".media-picker .media-item", { has: page.locator("img[alt='The harbour at dawn']") });
    await harbourItem.getByRole("button", { name: "Feature" }).click();
    assert.match(await page.getByLabel(/^Featured image \(/).inputValue(), /\/1600\.jpg$/);
    assert.equal(await page.getByLabel("Featured image's alt text").inputValue(), "The harbour at dawn");
    await page.getByLabel("Status", { exact: true }).selectOption("published");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved.").waitFor();
    await screenshot(page, "admin-editor-images");

    // A reader on a narrow screen gets the narrow variants.
    const phone = await (await browser.newContext({ viewport: { width: 360, height: 800 }, deviceScaleFactor: 1 })).newPage();
    await phone.goto(`${site.url}/`);
    await phone.getByRole("link", { name: "Fishing boats return", exact: true }).click();
    const featured = phone.locator("figure.entry-image img");
    await featured.waitFor();
    assert.equal(await featured.getAttribute("alt"), "The harbour at dawn");
    const inline = phone.locator(".entry-content img[alt='Boats at the quay']");
    await inline.scrollIntoViewIfNeeded();
    await phone.waitForFunction(() => {
      const img = document.querySelector("figure.entry-image img");
      return img && img.complete && img.currentSrc;
    });
    const chosen = await featured.evaluate((img) => img.currentSrc);
    assert.match(chosen, /\/(320|640)\.jpg$/, chosen);
  } finally {
    await site.stop();
  }
});
