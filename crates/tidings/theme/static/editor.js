// The article editor's helpers; the form works the same without them.
// - Autosave: every minute, when the text changed since the last save or autosave, the
//   headline, standfirst, excerpt and body are posted to the autosave address; the line
//   beside the Save button says when. Nothing is lost if the tab closes or the browser dies.
// - Ctrl+S (or Cmd+S) saves.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) return;
  var status = form.querySelector(".autosave-status");
  var url = form.getAttribute("data-autosave-url");
  var fields = ["title", "subtitle", "excerpt", "body"];
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
    var data = new URLSearchParams();
    data.append("csrf", form.elements.csrf.value);
    fields.forEach(function (name) {
      if (form.elements[name]) data.append(name, form.elements[name].value);
    });
    sending = true;
    fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
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
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });
})();
