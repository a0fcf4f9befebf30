// The media library's helpers; its form works the same without them (a file field and an
// Upload button). Images dropped anywhere on the form are sent one by one with the alt
// text typed, and the page reloads to show them.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form) return;
  var status = form.querySelector(".upload-status");
  var hint = form.querySelector(".drop-hint");
  if (hint) hint.hidden = false;
  function say(text) { if (status) status.textContent = text; }
  function send(files) {
    var pending = Array.prototype.slice.call(files);
    var failed = [];
    function next() {
      var file = pending.shift();
      if (!file) {
        if (!failed.length) window.location.assign("/admin/media?notice=" + encodeURIComponent("Images uploaded."));
        else say(failed.join(" "));
        return;
      }
      var data = new FormData();
      data.append("csrf", form.elements.csrf.value);
      data.append("alt", form.elements.alt.value);
      data.append("file", file, file.name);
      say("Uploading " + file.name + "…");
      fetch("/admin/media", {
        method: "POST", body: data, credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (!response.ok) failed.push(file.name + ": " + (answer.error || response.status));
          });
        })
        .catch(function () { failed.push(file.name + ": the upload failed."); })
        .then(next);
    }
    next();
  }
  form.addEventListener("dragover", function (event) {
    event.preventDefault();
    form.classList.add("dropping");
  });
  form.addEventListener("dragleave", function () { form.classList.remove("dropping"); });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    form.classList.remove("dropping");
    if (event.dataTransfer && event.dataTransfer.files.length) send(event.dataTransfer.files);
  });
})();
