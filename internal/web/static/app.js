// yiyeyicha: the little behaviour the pages need. Everything works without
// it except the confirmation before destructive actions.
(function () {
  "use strict";
  // Ask before disabling a user, revoking sessions and similar actions:
  // forms with data-confirm carry the translated question.
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    var q = f && f.getAttribute && f.getAttribute("data-confirm");
    if (q && !window.confirm(q)) {
      ev.preventDefault();
    }
  }, true);
  // A second click on a slow submit (an import, say) would send the form
  // twice: disable the buttons once the form is on its way.
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (ev.defaultPrevented || !f || (f.method || "").toLowerCase() !== "post") {
      return;
    }
    setTimeout(function () {
      f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // Coming back with the Back button shows the page as it was left.
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted) {
      document.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    }
  });
  // Filters are folded away on phones and open on wider screens.
  if (window.matchMedia && window.matchMedia("(min-width: 701px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }
  // Select the one-time API token on focus so it is easy to copy.
  document.addEventListener("focusin", function (ev) {
    if (ev.target && ev.target.classList && ev.target.classList.contains("token")) {
      ev.target.select();
    }
  });
})();
// Print buttons (the annual plan): no inline script under the CSP.
document.addEventListener("click", function (ev) {
  if (ev.target && ev.target.closest && ev.target.closest("[data-print]")) {
    window.print();
  }
});
