// The article editor's helpers; the form works the same without them (Markdown typed by
// hand, the Preview button opening the page as readers will see it, Save).
// - A toolbar for the usual marks, wrapping the selection in the body.
// - A live preview beside the body, rendered by the server with the public page's code,
//   with the word count and reading time, refreshed a moment after typing stops.
// - Autosave: every minute, when the text changed since the last save or autosave, the
//   headline, standfirst, excerpt and body are posted to the autosave address; the line
//   beside the Save button says when.
// - Ctrl+S (or Cmd+S) saves; Ctrl+Shift+P shows or hides the preview.
// - Images: an image dropped or pasted on the body, or chosen with the upload field, is
//   sent to the media library (alt text asked for first) and its Markdown inserted at the
//   cursor; the library's images get Insert and Feature buttons.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) return;
  var body = form.elements.body;
  var csrf = form.elements.csrf.value;
  var status = form.querySelector(".autosave-status");
  var url = form.getAttribute("data-autosave-url");
  var fields = ["title", "subtitle", "excerpt", "body"];

  function post(address, names) {
    var data = new URLSearchParams();
    data.append("csrf", csrf);
    names.forEach(function (name) {
      if (form.elements[name]) data.append(name, form.elements[name].value);
    });
    return fetch(address, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      });
  }

  // Toolbar.
  var marks = [
    ["Bold", "**", "**", "bold text"],
    ["Italic", "_", "_", "italic text"],
    ["Link", "[", "](https://)", "link text"],
    ["Heading", "\n## ", "\n", "Heading"],
    ["Quote", "\n> ", "\n", "Quoted words"],
    ["List", "\n- ", "\n", "item"],
  ];
  var toolbar = document.createElement("div");
  toolbar.className = "toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Formatting");
  toolbar.setAttribute("aria-controls", "body");
  marks.forEach(function (mark) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = mark[0];
    button.addEventListener("click", function () {
      var start = body.selectionStart, end = body.selectionEnd;
      var chosen = body.value.slice(start, end) || mark[3];
      body.setRangeText(mark[1] + chosen + mark[2], start, end, "end");
      body.focus();
      body.setSelectionRange(start + mark[1].length, start + mark[1].length + chosen.length);
      body.dispatchEvent(new Event("input", { bubbles: true }));
    });
    toolbar.appendChild(button);
  });
  body.parentNode.insertBefore(toolbar, body);

  // Images.
  function insertAtCursor(text) {
    var start = body.selectionStart, end = body.selectionEnd;
    var before = body.value.slice(0, start);
    var block = (before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "") + text + "\n\n";
    body.setRangeText(block, start, end, "end");
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }
  var uploadStatus = form.querySelector(".editor-upload .upload-status");
  var fileLabel = form.querySelector("label[for=editor-file]");
  if (fileLabel) fileLabel.textContent = "Image (JPEG, PNG, WebP or GIF): inserted at the cursor as soon as it is chosen, dropped or pasted on the body";
  function say(text) { if (uploadStatus) uploadStatus.textContent = text; }
  function upload(file) {
    if (!/^image\//.test(file.type)) { say(file.name + " is not an image."); return; }
    var typed = form.elements.image_alt;
    var alt = typed && typed.value ? typed.value : window.prompt("Describe " + file.name + " for readers who cannot see it (alt text):", "");
    if (alt === null) return;
    if (typed) typed.value = "";
    var data = new FormData();
    data.append("csrf", csrf);
    data.append("alt", alt);
    data.append("file", file, file.name);
    say("Uploading " + file.name + "…");
    fetch("/admin/media", {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) throw new Error(answer.error || response.status);
          return answer;
        });
      })
      .then(function (answer) {
        insertAtCursor(answer.markdown);
        say(file.name + " uploaded and inserted.");
      })
      .catch(function (error) { say(file.name + " was not uploaded: " + error.message); });
  }
  var picker = document.getElementById("editor-file");
  if (picker) {
    picker.addEventListener("change", function () {
      Array.prototype.forEach.call(picker.files, upload);
      picker.value = "";
    });
    body.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
        body.classList.add("dropping");
      }
    });
    body.addEventListener("dragleave", function () { body.classList.remove("dropping"); });
    body.addEventListener("drop", function (event) {
      body.classList.remove("dropping");
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      Array.prototype.forEach.call(event.dataTransfer.files, upload);
    });
    body.addEventListener("paste", function (event) {
      var files = event.clipboardData ? event.clipboardData.files : [];
      if (!files.length) return;
      event.preventDefault();
      Array.prototype.forEach.call(files, upload);
    });
  }
  Array.prototype.forEach.call(form.querySelectorAll(".media-picker .media-item"), function (item) {
    var insert = document.createElement("button");
    insert.type = "button";
    insert.textContent = "Insert";
    insert.addEventListener("click", function () { insertAtCursor(item.getAttribute("data-markdown")); });
    item.appendChild(insert);
    if (form.elements.featured_image) {
      var feature = document.createElement("button");
      feature.type = "button";
      feature.textContent = "Feature";
      feature.addEventListener("click", function () {
        form.elements.featured_image.value = item.getAttribute("data-address");
        if (form.elements.featured_image_alt && !form.elements.featured_image_alt.value) {
          form.elements.featured_image_alt.value = item.getAttribute("data-alt");
        }
      });
      item.appendChild(feature);
    }
  });

  // Live preview.
  var pane = document.getElementById("live-preview");
  var count = document.getElementById("word-count");
  var timer = null;
  function refresh() {
    post("/admin/preview?fragment", ["body"]).then(function (html) {
      pane.innerHTML = html;
      var stats = pane.querySelector(".preview-stats");
      if (stats) {
        if (count) count.textContent = stats.textContent;
        stats.remove();
      }
    }).catch(function () {});
  }
  if (pane) {
    pane.hidden = false;
    form.classList.add("with-preview");
    refresh();
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
  }

  // Autosave.
  function snapshot() {
    return fields.map(function (name) {
      var field = form.elements[name];
      return field ? field.value : "";
    }).join("\u0000");
  }
  var saved = snapshot();
  var sending = false;
  function autosave() {
    var now = snapshot();
    if (!url || sending || now === saved) return;
    sending = true;
    post(url, fields)
      .then(function (text) {
        saved = now;
        if (status) status.textContent = text;
      })
      .catch(function () {
        if (status) status.textContent = "Autosave failed; your text is still here. Save to keep it.";
      })
      .then(function () { sending = false; });
  }
  setInterval(autosave, 60 * 1000);
  form.addEventListener("submit", function () { saved = snapshot(); });

  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey)) return;
    if (event.key === "s" || event.key === "S") {
      if (event.shiftKey) return;
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    } else if (event.shiftKey && (event.key === "p" || event.key === "P") && pane) {
      event.preventDefault();
      pane.hidden = !pane.hidden;
      form.classList.toggle("with-preview", !pane.hidden);
    }
  });
})();
