// Passkeys: "Sign in with a passkey" on the login page (and as the second step after a
// password), and "Add a passkey" on the Security screen. The site sends each ceremony's
// options as JSON with binary fields in base64url; the browser's WebAuthn API wants them
// as bytes, and its answer goes back as JSON the same way. Without WebAuthn (or without
// JavaScript) the passkey controls stay hidden and the password form does everything.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // Posts `fields` as a form and reads the JSON answer; anything else (a session that
  // ended, a proxy's error page) becomes a message to show.
  function post(address, fields) {
    return fetch(address, {
      method: "POST",
      body: new URLSearchParams(fields),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () {
        return { error: "The site answered unexpectedly (" + response.status + "). Reload the page and try again." };
      });
    }, function () {
      return { error: "The site could not be reached. Check the connection and try again." };
    });
  }

  function say(box, text) {
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  function refused(error) {
    if (error && error.name === "NotAllowedError") return "The passkey request was cancelled or timed out.";
    if (error && error.name === "InvalidStateError") return "This device holds one of your passkeys already.";
    return "The browser could not use a passkey" + (error && error.message ? ": " + error.message : ".");
  }

  // A passkey answers one site name: on another name for the same site (its IP address,
  // say) the browser would refuse with a riddle, so say where it works.
  function elsewhere(rpId) {
    var host = window.location.hostname;
    if (!rpId || host === rpId || host.slice(-rpId.length - 1) === "." + rpId) return null;
    return { error: "Passkeys work at this site's own address, " + rpId + ": open the site there and try again." };
  }

  // Adding a passkey.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-passkey='register']"), function (form) {
    var box = form.querySelector("[data-passkey-message]");
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var csrf = form.elements.csrf.value;
      var button = form.querySelector("button");
      button.disabled = true;
      say(box, "");
      post("/admin/profile/passkeys/start", { csrf: csrf }).then(function (started) {
        if (started.error) throw started;
        var options = started.options.publicKey;
        var wrongPlace = elsewhere(options.rp && options.rp.id);
        if (wrongPlace) throw wrongPlace;
        options.challenge = toBytes(options.challenge);
        options.user.id = toBytes(options.user.id);
        (options.excludeCredentials || []).forEach(function (credential) {
          credential.id = toBytes(credential.id);
        });
        return navigator.credentials.create({ publicKey: options }).then(function (credential) {
          var answer = {
            id: credential.id,
            rawId: toText(credential.rawId),
            type: credential.type,
            response: {
              attestationObject: toText(credential.response.attestationObject),
              clientDataJSON: toText(credential.response.clientDataJSON),
            },
            extensions: credential.getClientExtensionResults(),
          };
          return post("/admin/profile/passkeys", {
            csrf: csrf,
            ceremony: started.ceremony,
            credential: JSON.stringify(answer),
            name: form.elements.name.value,
          });
        }, function (error) { throw { error: refused(error) }; });
      }).then(function (done) {
        if (done.error) throw done;
        window.location.assign(done.redirect);
      }).catch(function (failure) {
        say(box, failure && failure.error ? failure.error : refused(failure));
        button.disabled = false;
      });
    });
  });

  // Signing in with one: with the button, or from the email field's suggestions (the
  // "conditional" way: the browser lists this site's passkeys under the field, and picking
  // one signs in). Only one request may be pending, so the button first calls off the
  // suggestions' request.
  Array.prototype.forEach.call(document.querySelectorAll("[data-passkey='sign-in']"), function (panel) {
    var box = panel.querySelector("[data-passkey-message]");
    var button = panel.querySelector("button");
    var suggestions = null;
    var renewal = null;
    panel.hidden = false;

    function signIn(mediation, signal) {
      return post("/admin/login/passkey/start", {}).then(function (started) {
        if (started.error) throw { error: started.error, early: true };
        var options = started.options.publicKey;
        var wrongPlace = elsewhere(options.rpId);
        if (wrongPlace) throw { error: wrongPlace.error, early: true };
        options.challenge = toBytes(options.challenge);
        (options.allowCredentials || []).forEach(function (credential) {
          credential.id = toBytes(credential.id);
        });
        var request = { publicKey: options };
        if (mediation) request.mediation = mediation;
        if (signal) request.signal = signal;
        var asking = navigator.credentials.get(request);
        // The page says when its passkeys are on offer in the suggestions.
        if (mediation === "conditional") panel.setAttribute("data-suggesting", "");
        return asking.then(function (credential) {
          panel.removeAttribute("data-suggesting");
          var response = credential.response;
          var answer = {
            id: credential.id,
            rawId: toText(credential.rawId),
            type: credential.type,
            response: {
              authenticatorData: toText(response.authenticatorData),
              clientDataJSON: toText(response.clientDataJSON),
              signature: toText(response.signature),
              userHandle: response.userHandle ? toText(response.userHandle) : null,
            },
            extensions: credential.getClientExtensionResults(),
          };
          return post("/admin/login/passkey", {
            ceremony: started.ceremony,
            credential: JSON.stringify(answer),
            next: panel.getAttribute("data-next") || "",
            ticket: panel.getAttribute("data-ticket") || "",
          });
        }, function (error) {
          // A request called off says nothing of the one that may have replaced it.
          if (!(signal && signal.aborted)) panel.removeAttribute("data-suggesting");
          if (error && error.name === "AbortError") throw { aborted: true };
          throw { error: refused(error) };
        });
      }).then(function (done) {
        if (done.error) throw done;
        window.location.assign(done.redirect);
      });
    }

    // The suggestions' ceremony lasts five minutes at the site; a page left open longer
    // asks for a fresh one a minute before, so a passkey picked later still signs in.
    function offer() {
      var controller = new AbortController();
      suggestions = controller;
      renewal = setTimeout(function () {
        if (suggestions !== controller) return;
        controller.abort();
        panel.removeAttribute("data-suggesting");
        offer();
      }, 4 * 60 * 1000);
      signIn("conditional", controller.signal).catch(function (failure) {
        // Called off (by the button, or to renew), or it could not begin (the button will
        // say why if pressed): nothing to say unprompted. Once a passkey was picked, say
        // what failed.
        if (failure && !failure.aborted && !failure.early) say(box, failure.error || refused(failure));
      });
    }

    button.addEventListener("click", function () {
      clearTimeout(renewal);
      if (suggestions) suggestions.abort();
      suggestions = null;
      panel.removeAttribute("data-suggesting");
      button.disabled = true;
      say(box, "");
      signIn(null, null).catch(function (failure) {
        say(box, failure && failure.error ? failure.error : refused(failure));
        button.disabled = false;
      });
    });

    var field = document.querySelector("input[autocomplete~='webauthn']");
    if (field && window.AbortController && PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (available) offer();
      });
    }
  });
})();
