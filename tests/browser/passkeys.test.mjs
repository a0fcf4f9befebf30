// Passkeys in a real browser: Chromium's virtual authenticator (the DevTools protocol's
// WebAuthn domain) stands in for a phone or a security key. The site serves on the loopback
// address and takes passkeys at `localhost`, the name browsers give it.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, startSite, createOwner, violations } from "./support.mjs";

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** A device that holds discoverable passkeys and verifies its owner (a fingerprint). */
async function addAuthenticator(context, page) {
  const devtools = await context.newCDPSession(page);
  await devtools.send("WebAuthn.enable");
  const { authenticatorId } = await devtools.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    async credentials() {
      return (await devtools.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
    },
    /** Whether the device answers at once (as if touched) or waits for its owner. */
    async answers(enabled) {
      await devtools.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled });
    },
  };
}

/**
 * A fresh site served at `localhost`, its owner signed in there in a browser page that has
 * a device; resolves to {local, context, page, device}.
 */
async function ownerWithDevice(site) {
  const local = site.url.replace("127.0.0.1", "localhost");
  const context = await browser.newContext();
  const page = await context.newPage();
  const device = await addAuthenticator(context, page);
  await createOwner(page, { ...site, setup: site.setup.replace("127.0.0.1", "localhost") });
  return { local, context, page, device };
}

async function logOut(page) {
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: /^Log in to/ }).waitFor();
}

test("an editor adds a passkey, then signs in with it alone or after the password", async () => {
  const site = await startSite();
  try {
    const { local, context, page, device } = await ownerWithDevice(site);
    await page.goto(`${local}/admin/profile/security`);
    await page.getByText("You have no passkey yet.").waitFor();
    await page.getByLabel("A name for the new passkey").fill("Work laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByText("Passkey “Work laptop” added.").waitFor();
    const row = page.locator("table.passkeys tbody tr");
    assert.equal(await row.count(), 1);
    assert.match(await row.first().innerText(), /Work laptop[\s\S]*Never/);
    const held = await device.credentials();
    assert.equal(held.length, 1);
    assert.ok(held[0].isResidentCredential, "the passkey is discoverable");
    assert.equal(held[0].rpId, "localhost");
    assert.deepEqual(await violations(page), [], "the Security screen with a passkey");

    // The same device again: the site names the passkeys it holds, and the browser
    // declines to make a second one.
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByText("This device holds one of your passkeys already.").waitFor();
    assert.equal((await device.credentials()).length, 1);

    // The passkey alone signs in: no email, no password. The login page asks the browser
    // for this site's passkeys as suggestions under the email field; the virtual device
    // answers at once, as if its owner picked the passkey there.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(`${local}/admin/`);
    await page.goto(`${local}/admin/profile/security`);
    assert.doesNotMatch(await row.first().innerText(), /Never/, "its use is noted");

    // Or with the button: it calls off the suggestions' request, which is still waiting
    // for its owner, and asks at once.
    await device.answers(false);
    await logOut(page);
    await page.locator("[data-passkey='sign-in'][data-suggesting]").waitFor({ state: "attached" });
    await device.answers(true);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.waitForURL(`${local}/admin/`);

    // A password is no longer enough: the next step asks for the passkey.
    await device.answers(false);
    await logOut(page);
    await page.getByLabel("Email").fill("olive@newsroom.example");
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByText("Confirm it is you with your passkey").waitFor();
    assert.deepEqual(await violations(page), [], "the passkey step");
    assert.equal(await page.getByLabel(/code from your authenticator app/).count(), 0);
    await device.answers(true);
    await page.getByRole("button", { name: "Use my passkey" }).click();
    await page.waitForURL(`${local}/admin/`);

    // On the site's IP address the browser could not use the passkey: the page says where.
    await device.answers(false);
    await logOut(page);
    await page.goto(`${site.url}/admin/login`);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByText("Passkeys work at this site's own address, localhost").waitFor();

    // Removing it takes the password; then the password alone signs in again.
    await device.answers(true);
    await page.goto(`${local}/admin/login`);
    await page.waitForURL(`${local}/admin/`);
    await page.goto(`${local}/admin/profile/security`);
    // A name can be changed in place (the device keeps its own; this one is the site's).
    await page.getByLabel("The name of the passkey Work laptop").fill("Old laptop");
    await page.getByRole("button", { name: "Rename the passkey Work laptop" }).click();
    await page.getByText("The passkey is renamed.").waitFor();
    assert.equal(await page.getByLabel("The name of the passkey Old laptop").inputValue(), "Old laptop");
    await page.getByPlaceholder("Your password").fill("not my password");
    await page.getByRole("button", { name: "Remove the passkey Old laptop" }).click();
    await page.getByText("The passkey is still there").waitFor();
    await page.getByPlaceholder("Your password").fill("a long enough password");
    await page.getByRole("button", { name: "Remove the passkey Old laptop" }).click();
    await page.getByText("The passkey is removed.").waitFor();
    await logOut(page);
    await page.getByLabel("Email").fill("olive@newsroom.example");
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${local}/admin/`);
    await context.close();
  } finally {
    site.stop();
  }
});

test("a login page left open renews its passkey suggestions before they expire", async () => {
  const site = await startSite();
  try {
    const { local, context, page, device } = await ownerWithDevice(site);
    await page.goto(`${local}/admin/profile/security`);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByText("Passkey “Passkey” added.").waitFor();

    // The device waits for its owner, who is away: the suggestions stay on offer.
    await device.answers(false);
    await page.clock.install();
    let starts = 0;
    page.on("request", (request) => {
      if (request.url().endsWith("/admin/login/passkey/start")) starts += 1;
    });
    await logOut(page);
    const suggesting = page.locator("[data-passkey='sign-in'][data-suggesting]");
    await suggesting.waitFor({ state: "attached" });
    assert.equal(starts, 1);
    await page.clock.fastForward(3 * 60 * 1000);
    assert.equal(starts, 1, "not renewed while it is fresh");
    const renewed = page.waitForRequest((request) => request.url().endsWith("/admin/login/passkey/start"));
    await page.clock.fastForward(60 * 1000 + 1000);
    await renewed;
    // The old request's mark went with it; the new one's comes once the browser has it.
    await suggesting.waitFor({ state: "attached" });
    assert.equal(starts, 2);

    // The owner is back and presses the button: the renewed request is called off too.
    await device.answers(true);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.waitForURL(`${local}/admin/`);
    await context.close();
  } finally {
    site.stop();
  }
});
