// Forms that keep what was typed (no inline script: the site's CSP allows only 'self').
// 1. A refused form's error summary ([data-error-summary]) gets the focus, on load and after an
//    htmx swap (autofocus does it too; this is the fallback).
// 2. Leaving a page with a changed, unsaved form asks for confirmation (beforeunload): a form
//    is "changed" after an input in it; submitting it clears that, and a failed htmx request
//    (network, server error: the form stays as typed) sets it again. A successful htmx save
//    replaces the form: the old one, out of the page, no longer counts.
(function () {
  "use strict";
  var changed = new Set();

  function track(form) {
    if (form && (form.getAttribute("method") || "").toLowerCase() === "post") {
      changed.add(form);
    }
  }

  function refused(root) {
    var summary = root.querySelector ? root.querySelector("[data-error-summary]") : null;
    if (summary && !summary.contains(document.activeElement)) { summary.focus(); }
  }

  function edited(event) { track(event.target && event.target.form); }
  document.addEventListener("input", edited);
  document.addEventListener("change", edited);
  document.addEventListener("submit", function (event) { changed.delete(event.target); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (form && form.tagName === "FORM" && !event.detail.successful) { track(form); }
  });
  document.addEventListener("htmx:load", function (event) { refused(event.target); });
  document.addEventListener("DOMContentLoaded", function () { refused(document); });

  window.addEventListener("beforeunload", function (event) {
    var unsaved = Array.from(changed).some(function (form) { return form.isConnected; });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to show their own message
    }
  });
})();
