// The lifecycle page's Print button: shown only when scripts run (the browser's own
// print command works without it).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print-page]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
