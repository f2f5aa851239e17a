// Keeps the fighting-fund box up to date without a reload. The page works
// fully without this script: it only listens to the server's event stream
// and rewrites the figures already on the page.
(function () {
  "use strict";
  var box = document.querySelector("[data-fund-live]");
  if (!box || !window.EventSource) { return; }
  var source = new EventSource(box.getAttribute("data-fund-live"));
  source.addEventListener("fund", function (e) {
    var data;
    try { data = JSON.parse(e.data); } catch (err) { return; }
    var set = function (key, value) {
      var el = box.querySelector('[data-fund="' + key + '"]');
      if (el && value !== undefined && el.textContent !== String(value)) { el.textContent = value; }
    };
    set("raised", data.raised);
    set("needed", data.needed);
    set("days", data.days);
    var bar = box.querySelector('[data-fund="bar"]');
    if (bar && typeof data.percent === "number") { bar.value = data.percent; }
  });
})();
