// Keeps the fighting-fund box up to date without a reload. The page works
// fully without this script: it only listens to the server's event stream
// and rewrites the figures already on the page.
//
// A browser allows only six connections to one site over HTTP/1.1, and an
// open event stream holds one. So the stream is open only while the box is
// on screen in a visible tab, and closed when the reader scrolls away,
// switches tab or leaves: several open articles never starve each other.
(function () {
  "use strict";
  var box = document.querySelector("[data-fund-live]");
  if (!box || !window.EventSource) { return; }
  var url = box.getAttribute("data-fund-live");
  var source = null;
  var onScreen = !("IntersectionObserver" in window);

  var set = function (key, value) {
    var el = box.querySelector('[data-fund="' + key + '"]');
    if (el && value !== undefined && el.textContent !== String(value)) { el.textContent = value; }
  };
  var update = function (e) {
    var data;
    try { data = JSON.parse(e.data); } catch (err) { return; }
    set("raised", data.raised);
    set("needed", data.needed);
    set("days", data.days);
    var bar = box.querySelector('[data-fund="bar"]');
    if (bar && typeof data.percent === "number") { bar.value = data.percent; }
  };
  var open = function () {
    if (source) { return; }
    source = new EventSource(url);
    source.addEventListener("fund", update);
  };
  var close = function () {
    if (!source) { return; }
    source.close();
    source = null;
  };
  var decide = function () {
    if (onScreen && document.visibilityState === "visible") { open(); } else { close(); }
  };

  if (!onScreen) {
    new IntersectionObserver(function (entries) {
      onScreen = entries[entries.length - 1].isIntersecting;
      decide();
    }, { rootMargin: "200px" }).observe(box);
  }
  document.addEventListener("visibilitychange", decide);
  window.addEventListener("pagehide", close);
  window.addEventListener("pageshow", decide);
  decide();
})();
