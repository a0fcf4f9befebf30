// Moves the comment form under the comment being answered, without a page load. Without
// this script the reply links still work: they load ?replytocom=ID, which the server
// renders with the same heading and hidden field.
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest(".comment-reply-link") : null;
  var respond = document.getElementById("respond");
  var parentField = document.getElementById("comment_parent");
  var title = document.querySelector("#reply-title .reply-title-text");
  var cancel = document.getElementById("cancel-comment-reply-link");
  if (!respond || !parentField || !title || !cancel) return;
  if (link) {
    event.preventDefault();
    var comment = document.getElementById("comment-" + link.dataset.commentid);
    if (!comment) return;
    comment.querySelector(".comment-body").after(respond);
    parentField.value = link.dataset.commentid;
    // The name is isolated, as the server prints it: a right-to-left name cannot turn
    // the heading around.
    var name = document.createElement("bdi");
    name.textContent = link.dataset.replyto;
    title.replaceChildren("Leave a Reply to ", name);
    cancel.parentNode.hidden = false;
    document.getElementById("comment").focus();
  } else if (event.target === cancel) {
    event.preventDefault();
    document.getElementById("comments").appendChild(respond);
    parentField.value = "0";
    title.replaceChildren("Leave a Reply");
    cancel.parentNode.hidden = true;
  }
});
