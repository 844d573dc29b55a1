// Progressive enhancement only: every page works without this file.
"use strict";

// Forms marked data-confirm ask before a destructive action.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Selects and checkboxes inside a form marked data-autosubmit apply filters at once.
document.addEventListener("change", (event) => {
  const field = event.target;
  const form = field instanceof HTMLElement ? field.closest("form[data-autosubmit]") : null;
  if (form && (field instanceof HTMLSelectElement || field.type === "checkbox")) {
    form.requestSubmit();
  }
});

// On narrow screens the main navigation folds behind a Menu button. Without this
// script the button stays hidden and the navigation simply shows in full.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  if (!toggle) {
    return;
  }
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = document.body.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", String(open));
  });
});
