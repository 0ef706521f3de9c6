// Forms that keep what was typed (no inline script: the site's CSP allows only 'self').
// 1. A refused form's error summary ([data-error-summary]) gets the focus, on load and after an
//    htmx swap (autofocus does it too; this is the fallback).
// 2. Leaving a page with a changed, unsaved form asks for confirmation (beforeunload): a form
//    is "changed" after an input in it; submitting it clears that, and a failed htmx request
//    (network, server error: the form stays as typed) sets it again. A successful htmx save
//    replaces the form: the old one, out of the page, no longer counts.
// 3. A fragment's focus (its autofocus: the field to fill, « Modifier » after a save, an error
//    summary) is given only to someone still where the request left them: on the control that
//    sent it, inside the part being replaced, or nowhere. Someone who moved on to another field
//    while the answer was on its way keeps their focus and what they type. The settle delay is
//    0 (base.html), so htmx focuses in the same task as the swap, right after this decision.
(function () {
  "use strict";
  var changed = new Set();
  var movedOn = false;

  function stayed(detail) {
    var active = document.activeElement;
    if (!active || active === document.body || active === document.documentElement) {
      return true;
    }
    var sender = detail.requestConfig && detail.requestConfig.elt || detail.elt;
    return (detail.target && detail.target.contains(active)) ||
      (sender && sender.contains && sender.contains(active));
  }

  function track(form) {
    if (form && (form.getAttribute("method") || "").toLowerCase() === "post") {
      changed.add(form);
    }
  }

  function refused(root) {
    if (movedOn) { return; }
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
  document.addEventListener("htmx:beforeSwap", function (event) {
    movedOn = !stayed(event.detail || {});
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (movedOn) {
      document.querySelectorAll("[autofocus]").forEach(function (element) {
        element.removeAttribute("autofocus");
      });
    }
  });
  document.addEventListener("htmx:afterSettle", function () { movedOn = false; });
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
