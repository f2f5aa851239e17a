// Greets a signed-in reader by name in the masthead. Public pages are
// cached and the same for everyone, so the page itself only carries a
// plain "Your account" link, which works without this script; the name
// comes from /account/me, which nothing stores. Only a browser holding
// the coopress_signed_in hint asks, so anonymous readers cost the server
// nothing more.
(function () {
  "use strict";
  var link = document.querySelector("[data-account-link]");
  if (!link) { return; }
  // thank puts thanks where the fund box asks a supporter for money they
  // already give every month; the figures stay.
  var thank = function () {
    var ask = document.querySelector(".fund-box .donate");
    if (!ask || !ask.parentNode) { return; }
    var p = document.createElement("p");
    p.className = "supporter-thanks";
    p.textContent = "Thank you for giving every month: you keep the paper going.";
    ask.parentNode.replaceWith(p);
  };
  var signIn = function () {
    link.textContent = "Sign in";
    link.setAttribute("href", "/account/signin");
  };
  if (!/(?:^|;\s*)coopress_signed_in=1/.test(document.cookie) || !window.fetch) {
    signIn();
    return;
  }
  fetch("/account/me", { credentials: "same-origin", cache: "no-store" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (me) {
      if (!me || !me.signedIn) {
        document.cookie = "coopress_signed_in=; Max-Age=0; Path=/";
        signIn();
        return;
      }
      var name = document.createElement("span");
      name.className = "account-name";
      name.textContent = me.name;
      link.parentNode.insertBefore(name, link);
      link.parentNode.insertBefore(document.createTextNode(" "), link);
      if (me.supporter) { thank(); }
    })
    .catch(function () { /* the plain link still works */ });
})();
