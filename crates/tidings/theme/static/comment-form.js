// The comment form's two helpers, both optional: without this script a reader can still
// comment (their comment waits for a moderator instead of appearing at once).
//
// 1. Proof of work instead of a captcha: fetch a challenge, find a number whose SHA-256 with
//    it starts with enough zero bits, and send both with the comment. It runs in slices so
//    the page stays responsive, starts when the form is first touched, and the submit
//    waits for it if the reader is faster.
// 2. "Save my name, email, and website in this browser": kept in this browser's storage
//    and filled in here, so the page itself stays the same for everyone (and cacheable).
(function () {
  "use strict";
  var form = document.getElementById("commentform");
  if (!form) return;

  // --- Remembering the commenter -------------------------------------------------------
  var STORE = "tidings-commenter";
  var consent = document.getElementById("wp-comment-cookies-consent");
  var fields = ["author", "email", "url"];
  function saved() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }
  var remembered = saved();
  if (remembered && consent) {
    fields.forEach(function (name) {
      var input = form.elements[name];
      if (input && !input.value && typeof remembered[name] === "string") input.value = remembered[name];
    });
    consent.checked = true;
  }
  function remember() {
    if (!consent) return;
    try {
      if (consent.checked) {
        var values = {};
        fields.forEach(function (name) { values[name] = form.elements[name] ? form.elements[name].value : ""; });
        window.localStorage.setItem(STORE, JSON.stringify(values));
      } else {
        window.localStorage.removeItem(STORE);
      }
    } catch (e) { /* storage refused (private mode): nothing to remember */ }
  }

  // --- Proof of work -------------------------------------------------------------------
  var bits = parseInt(form.getAttribute("data-pow-bits") || "0", 10);
  var challengeField = form.elements.tidings_challenge;
  var answerField = form.elements.tidings_answer;
  var solved = false, started = false, submitting = false;

  // SHA-256 for the proof of work. The challenge is the same for every number tried, so its
  // whole 64-byte blocks are hashed once (the "midstate") and each try hashes only the
  // last block or two: the challenge's tail, ":", the number, and the padding.
  var K = [];
  (function () {
    var n = 2, found = 0;
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) | 0; }
    while (found < 64) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
      if (prime) { K[found++] = frac(Math.pow(n, 1 / 3)); }
      n++;
    }
  })();
  var INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  var W = new Int32Array(64);
  // Hashes one 64-byte block of `bytes` at `offset` into the state H (8 words, changed).
  function compress(H, bytes, offset) {
    var i;
    for (i = 0; i < 16; i++) {
      var at = offset + i * 4;
      W[i] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
    }
    for (i = 16; i < 64; i++) {
      var x = W[i - 15], y = W[i - 2];
      var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (i = 0; i < 64; i++) {
      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }
  // The challenge is ASCII (digits, dots, hex), so one character is one byte.
  function midstate(prefix) {
    var bytes = [], i;
    for (i = 0; i < prefix.length; i++) bytes.push(prefix.charCodeAt(i) & 0xff);
    var whole = bytes.length - (bytes.length % 64), state = INITIAL.slice();
    for (i = 0; i < whole; i += 64) compress(state, bytes, i);
    return { state: state, tail: bytes.slice(whole), length: bytes.length };
  }
  var block = new Uint8Array(128);
  function hashWith(mid, nonce) {
    var digits = String(nonce), used = mid.tail.length, i;
    block.fill(0);
    for (i = 0; i < used; i++) block[i] = mid.tail[i];
    for (i = 0; i < digits.length; i++) block[used++] = digits.charCodeAt(i);
    var bits = (mid.length + digits.length) * 8;
    block[used] = 0x80;
    var end = used + 9 <= 64 ? 64 : 128;
    block[end - 4] = (bits >>> 24) & 0xff; block[end - 3] = (bits >>> 16) & 0xff;
    block[end - 2] = (bits >>> 8) & 0xff; block[end - 1] = bits & 0xff;
    var H = mid.state.slice();
    compress(H, block, 0);
    if (end === 128) compress(H, block, 64);
    return H;
  }
  function leadingZeros(H) {
    var zeros = 0;
    for (var i = 0; i < 8; i++) {
      if (H[i] === 0) { zeros += 32; continue; }
      return zeros + Math.clz32(H[i]);
    }
    return zeros;
  }

  function solve(challenge, need) {
    var nonce = 0, mid = midstate(challenge + ":");
    function slice() {
      var end = nonce + 4000;
      for (; nonce < end; nonce++) {
        if (leadingZeros(hashWith(mid, nonce)) >= need) {
          challengeField.value = challenge;
          answerField.value = String(nonce);
          solved = true;
          form.setAttribute("data-pow", "solved");
          if (submitting) HTMLFormElement.prototype.submit.call(form);
          return;
        }
      }
      setTimeout(slice, 0);
    }
    slice();
  }

  function start() {
    if (started || bits <= 0 || !challengeField || !window.fetch) return;
    started = true;
    form.setAttribute("data-pow", "working");
    fetch("/comments/challenge", { credentials: "omit", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (body) { solve(body.challenge, body.bits); })
      .catch(function () { form.setAttribute("data-pow", "unavailable"); solved = true; });
  }

  form.addEventListener("focusin", start);
  form.addEventListener("input", start);
  if (document.readyState === "complete") start(); else window.addEventListener("load", start);

  form.addEventListener("submit", function (event) {
    remember();
    if (bits > 0 && !solved && challengeField) {
      // Wait for the proof; the solver submits the form when it is done.
      event.preventDefault();
      submitting = true;
      var button = document.getElementById("submit");
      if (button) button.value = "Posting…";
      start();
    }
  });
})();
