// mockapi dashboard: progressive enhancement only. Every page works
// without this script; it adds copy buttons beside values worth copying.
"use strict";
(function () {
  function copyButton(text, select) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = "Copy";
    b.className = "copy";
    b.addEventListener("click", function () {
      var done = function () { b.textContent = "Copied"; b.setAttribute("aria-live", "polite"); };
      var fallback = function () {
        select();
        try { document.execCommand("copy") ? done() : (b.textContent = "Press Ctrl+C"); } catch (e) { b.textContent = "Press Ctrl+C"; }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text()).then(done, fallback);
      } else {
        fallback();
      }
    });
    return b;
  }
  document.querySelectorAll("input[data-copy]").forEach(function (input) {
    var b = copyButton(function () { return input.value; }, function () { input.focus(); input.select(); });
    b.setAttribute("aria-label", "Copy " + (input.labels && input.labels[0] ? input.labels[0].textContent : "value"));
    input.insertAdjacentElement("afterend", b);
  });
  document.querySelectorAll("[data-copy-text]").forEach(function (el) {
    var b = copyButton(function () { return el.textContent; }, function () {
      var r = document.createRange(); r.selectNodeContents(el);
      var s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
    });
    b.setAttribute("aria-label", "Copy " + el.textContent);
    b.classList.add("small");
    el.insertAdjacentElement("afterend", b);
  });

  // The newest page of a log can follow new requests: it reloads its
  // entries every few seconds while the box is checked.
  var live = document.querySelector("#log-entries[data-live]");
  if (live) {
    var box = document.createElement("div");
    box.className = "checks";
    box.innerHTML = '<input type="checkbox" id="follow"><label for="follow">Follow new requests</label>';
    live.insertAdjacentElement("beforebegin", box);
    var timer = null;
    var refresh = function () {
      fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("log-entries");
          if (fresh) { live.replaceChildren.apply(live, Array.from(fresh.childNodes).map(function (n) { return document.importNode(n, true); })); }
        })
        .catch(function () { box.querySelector("input").checked = false; clearInterval(timer); });
    };
    box.querySelector("input").addEventListener("change", function (e) {
      clearInterval(timer);
      if (e.target.checked) { refresh(); timer = setInterval(refresh, 3000); }
    });
  }
})();
