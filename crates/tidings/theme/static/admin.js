// Keyboard moderation in the comment list: j and k move between comments, x selects the
// current one, a approves, s marks as spam, t moves to the trash, u unapproves, e edits.
// Nothing here is needed: every action is also a button.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr"));
  if (!rows.length) return;
  var current = -1;
  function focus(index) {
    if (index < 0 || index >= rows.length) return;
    if (current >= 0) rows[current].classList.remove("keyboard-current");
    current = index;
    rows[current].classList.add("keyboard-current");
    rows[current].scrollIntoView({ block: "nearest" });
  }
  function press(selector) {
    if (current < 0) return;
    var button = rows[current].querySelector(selector);
    if (button) button.click();
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) return;
    switch (event.key) {
      case "j": focus(current + 1); break;
      case "k": focus(current - 1); break;
      case "x": if (current >= 0) { var box = rows[current].querySelector("input[name=ids]"); if (box) box.checked = !box.checked; } break;
      case "a": press(".action-approve"); break;
      case "s": press(".action-spam"); break;
      case "t": press(".action-trash"); break;
      case "u": press(".action-unapprove"); break;
      case "e": press(".edit-link"); break;
      default: return;
    }
    event.preventDefault();
  });
})();
