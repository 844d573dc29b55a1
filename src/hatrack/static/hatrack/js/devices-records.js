// The device list's selection for printing labels: "select all" for the page, a count
// of what is selected, and the Print labels button enabled only with a selection. The
// checkboxes belong to the label form by their `form` attribute, so they submit without
// this file too; htmx redraws of the results keep working because everything is
// looked up again on each change.
"use strict";

(() => {
  const boxes = () => Array.from(document.querySelectorAll('input[name="device"][form="label-form"]'));

  function refresh() {
    const checked = boxes().filter((box) => box.checked).length;
    const label = document.querySelector("[data-selected-count]");
    if (label) {
      label.textContent = checked ? `${checked} selected` : "Select devices below";
    }
    const button = document.querySelector("[data-needs-selection]");
    if (button) {
      button.disabled = checked === 0;
    }
    const all = document.querySelector("[data-select-all]");
    if (all) {
      all.checked = checked > 0 && checked === boxes().length;
      all.indeterminate = checked > 0 && checked < boxes().length;
    }
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement)) {
      return;
    }
    if (target.matches("[data-select-all]")) {
      boxes().forEach((box) => { box.checked = target.checked; });
    }
    if (target.matches("[data-select-all], input[name='device']")) {
      refresh();
    }
  });
  document.addEventListener("htmx:afterSwap", refresh);
  document.addEventListener("DOMContentLoaded", refresh);
})();
