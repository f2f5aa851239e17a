// editor.js: live preview of an article's Markdown. Progressive
// enhancement: without it the form's Preview button re-renders the page
// with the preview. The server renders and sanitises (POST /admin/preview),
// so the preview shows exactly what readers would get and nothing unsafe.
(function () {
  "use strict";
  var body = document.getElementById("body");
  var pane = document.getElementById("preview");
  if (!body || !pane || body.disabled || !window.fetch) {
    return;
  }
  var url = body.getAttribute("data-preview");
  var timer = null;
  var seq = 0;
  function refresh() {
    var mine = ++seq;
    var form = new URLSearchParams();
    form.set("body", body.value);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString()
    }).then(function (res) {
      if (!res.ok) {
        throw new Error("preview " + res.status);
      }
      return res.text();
    }).then(function (html) {
      if (mine === seq) {
        pane.innerHTML = html; // sanitised by the server
      }
    }).catch(function () {
      // Keep the last good preview; the Preview button still works.
    });
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  if (body.value && !pane.innerHTML.trim()) {
    refresh();
  }
})();
