// The technician's workspace, progressively enhanced: keyboard triage on the queue,
// selections that survive the live redraws, the live checks paused while the tab is
// hidden, and canned responses inserted where the cursor is. Without this file every
// action still works as plain links and forms.
"use strict";

(() => {
  const selected = new Set();
  let currentId = null;

  const results = () => document.querySelector("[data-live-queue]");
  const rows = () => Array.from(document.querySelectorAll("[data-live-queue] tbody tr[data-ticket]"));
  const typing = (el) => el instanceof HTMLElement
    && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

  function countSelected() {
    const label = document.querySelector("[data-selected-count]");
    const checked = document.querySelectorAll('[data-live-queue] input[name="ticket"]:checked').length;
    if (label) {
      label.textContent = checked ? `(${checked} selected)` : "";
    }
  }

  function setCurrent(row, focus) {
    rows().forEach((r) => r.classList.toggle("is-current", r === row));
    currentId = row ? row.dataset.ticket : null;
    if (row && focus) {
      const link = row.querySelector("a");
      (link || row).focus();
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function current() {
    return rows().find((r) => r.dataset.ticket === currentId) || null;
  }

  function move(step) {
    const all = rows();
    if (!all.length) {
      return;
    }
    const at = all.indexOf(current());
    const next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + step));
    setCurrent(all[next], true);
  }

  function toggle(row) {
    const box = row && row.querySelector('input[name="ticket"]');
    if (box) {
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function assignToMe(row) {
    const form = document.getElementById("assign-me-form");
    if (row && form) {
      form.querySelector('input[name="ticket"]').value = row.dataset.ticket;
      form.submit();
    }
  }

  function showHelp() {
    const dialog = document.getElementById("key-help");
    if (dialog && !dialog.open) {
      dialog.showModal();
    }
  }

  const keys = {
    j: () => move(1),
    k: () => move(-1),
    x: () => toggle(current()),
    a: () => assignToMe(current()),
    Enter: () => { const row = current(); if (row) { window.location.href = row.dataset.href; } },
    "/": () => { const search = document.getElementById("id_q"); if (search) { search.focus(); search.select(); } },
    "?": showHelp,
  };

  document.addEventListener("keydown", (event) => {
    if (!results() || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    // Enter on a focused link or button keeps its own meaning.
    if (event.key === "Enter" && event.target instanceof HTMLElement && event.target.closest("a, button")) {
      return;
    }
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  document.addEventListener("change", (event) => {
    const box = event.target;
    if (box instanceof HTMLInputElement && box.name === "ticket" && box.closest("[data-live-queue]")) {
      if (box.checked) { selected.add(box.value); } else { selected.delete(box.value); }
      box.closest("tr").classList.toggle("is-selected", box.checked);
      countSelected();
    }
  });

  document.addEventListener("focusin", (event) => {
    const row = event.target instanceof HTMLElement ? event.target.closest("[data-live-queue] tr[data-ticket]") : null;
    if (row) {
      setCurrent(row, false);
    }
  });

  // The live checks run only while the tab is visible: a hidden tab asks nothing.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    const live = elt instanceof HTMLElement && (elt.matches("[data-live-queue]") || elt.matches("[data-live-ticket]"));
    if (live && document.hidden && event.detail.requestConfig.triggeringEvent == null) {
      event.preventDefault();
    }
  });

  // A redraw keeps what the technician had selected and where they were.
  document.addEventListener("htmx:afterSwap", () => {
    rows().forEach((row) => {
      const box = row.querySelector('input[name="ticket"]');
      if (box && selected.has(box.value)) {
        box.checked = true;
        row.classList.add("is-selected");
      }
    });
    const row = current();
    if (row) {
      row.classList.add("is-current");
    }
    countSelected();
  });

  // Canned responses: the filled-in text goes where the cursor is in the reply box.
  document.addEventListener("change", async (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.dataset.cannedUrl || !select.value) {
      return;
    }
    const body = select.form && select.form.querySelector("textarea");
    const response = await fetch(`${select.dataset.cannedUrl}?canned=${encodeURIComponent(select.value)}`, {
      headers: { "X-Requested-With": "fetch" }, credentials: "same-origin",
    });
    if (!response.ok || !body) {
      return;
    }
    const text = await response.text();
    const start = body.selectionStart ?? body.value.length;
    const end = body.selectionEnd ?? start;
    body.value = body.value.slice(0, start) + text + body.value.slice(end);
    body.focus();
    body.setSelectionRange(start + text.length, start + text.length);
    select.value = "";
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-key-help]").forEach((button) => {
      if (results()) {
        button.hidden = false;
        button.addEventListener("click", showHelp);
      }
    });
    document.querySelectorAll("[data-canned-insert]").forEach((button) => { button.hidden = true; });
  });
})();
