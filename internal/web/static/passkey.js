// Passkeys for staff sign-in: adds a passkey on the sign-in security page
// and uses one on the second-factor page. WebAuthn exists only as a
// browser API, so this is the one staff task that needs a script; both
// pages offer a code instead when it is off or the browser has no
// passkeys.
//
// The server's options come as JSON with binary fields in base64url; the
// browser wants ArrayBuffers, and the answer goes back the other way.
(function () {
  "use strict";
  var box = document.querySelector("[data-passkey]");
  if (!box || !window.PublicKeyCredential || !navigator.credentials) { return; }
  var mode = box.getAttribute("data-passkey");
  var button = box.querySelector(".passkey-button");
  var status = box.querySelector(".passkey-status");

  var toBuffer = function (s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  };
  var toText = function (buf) {
    if (!buf) { return null; }
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  var ids = function (list) {
    (list || []).forEach(function (c) { c.id = toBuffer(c.id); });
  };
  var say = function (text) { status.textContent = text; };
  var post = function (url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: body
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.error || "The server refused the passkey."); }
        return data;
      });
    });
  };
  var showCodes = function (codes) {
    var section = document.createElement("section");
    section.className = "admin-section";
    section.id = "codes";
    var h = document.createElement("h2");
    h.textContent = "Your recovery codes";
    h.tabIndex = -1;
    var p = document.createElement("p");
    p.textContent = "Each code lets you sign in once without your passkey or app. Keep them somewhere safe now: they will not be shown again.";
    var ul = document.createElement("ul");
    ul.className = "recovery-codes";
    codes.forEach(function (c) {
      var li = document.createElement("li"), code = document.createElement("code");
      code.textContent = c;
      li.appendChild(code);
      ul.appendChild(li);
    });
    var a = document.createElement("a");
    a.href = "/admin/account/security?added=1";
    a.textContent = "I have kept them: continue";
    section.appendChild(h);
    section.appendChild(p);
    section.appendChild(ul);
    section.appendChild(a);
    box.parentNode.insertBefore(section, box);
    h.focus();
  };

  var register = function () {
    var nameField = document.getElementById("passkey-name");
    var name = nameField ? nameField.value : "";
    say("Follow your browser's prompt to make the passkey…");
    post(box.getAttribute("data-begin"), "{}").then(function (opts) {
      var pk = opts.publicKey;
      pk.challenge = toBuffer(pk.challenge);
      pk.user.id = toBuffer(pk.user.id);
      ids(pk.excludeCredentials);
      return navigator.credentials.create({ publicKey: pk });
    }).then(function (cred) {
      var body = JSON.stringify({
        id: cred.id, rawId: toText(cred.rawId), type: cred.type,
        response: {
          clientDataJSON: toText(cred.response.clientDataJSON),
          attestationObject: toText(cred.response.attestationObject),
          transports: cred.response.getTransports ? cred.response.getTransports() : []
        },
        clientExtensionResults: cred.getClientExtensionResults()
      });
      return post(box.getAttribute("data-finish") + "?name=" + encodeURIComponent(name), body);
    }).then(function (data) {
      if (data.codes && data.codes.length) {
        say("The passkey is added.");
        showCodes(data.codes);
      } else {
        window.location.assign(data.redirect);
      }
    }).catch(function (err) {
      say(err && err.name === "NotAllowedError" ? "The passkey was not made: the prompt was closed or timed out." : (err.message || String(err)));
    });
  };

  var signin = function () {
    say("Follow your browser's prompt to use your passkey…");
    post(box.getAttribute("data-begin"), "{}").then(function (opts) {
      var pk = opts.publicKey;
      pk.challenge = toBuffer(pk.challenge);
      ids(pk.allowCredentials);
      return navigator.credentials.get({ publicKey: pk });
    }).then(function (cred) {
      var body = JSON.stringify({
        id: cred.id, rawId: toText(cred.rawId), type: cred.type,
        response: {
          clientDataJSON: toText(cred.response.clientDataJSON),
          authenticatorData: toText(cred.response.authenticatorData),
          signature: toText(cred.response.signature),
          userHandle: toText(cred.response.userHandle)
        },
        clientExtensionResults: cred.getClientExtensionResults()
      });
      return post(box.getAttribute("data-finish"), body);
    }).then(function (data) {
      say("Signed in.");
      window.location.assign(data.redirect);
    }).catch(function (err) {
      say(err && err.name === "NotAllowedError" ? "The passkey was not used: the prompt was closed or timed out." : (err.message || String(err)));
    });
  };

  button.hidden = false;
  button.addEventListener("click", mode === "register" ? register : signin);
}());
