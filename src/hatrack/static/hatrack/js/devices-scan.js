// The scanner page: each scan (what the barcode scanner types, ending in Enter) is posted
// in the background, in order, while the next one is already being typed. The page never
// reloads; the result line, the counts and the log follow each answer, with a tone.
// Without this script the same forms post and the page comes back (progressive enhancement).
(function () {
  "use strict";

  // --- Sound: generated tones, no files, no requests ----------------------------------
  let audio = null;

  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  function tone(context, frequency, start, duration, type) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = type;
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + duration + 0.02);
  }

  function beep(ok) {
    const context = audioContext();
    if (!context) return;
    const now = context.currentTime;
    if (ok) {
      tone(context, 1320, now, 0.12, "sine"); // one short high beep
    } else {
      tone(context, 220, now, 0.16, "square"); // two low buzzes
      tone(context, 196, now + 0.22, 0.22, "square");
    }
  }

  // --- The page ------------------------------------------------------------------------
  function setup(station) {
    const form = station.querySelector("[data-scan-form]");
    const input = form.querySelector("input[name=value]");
    const prompt = station.querySelector("[data-scan-prompt]");
    const result = station.querySelector("[data-scan-result]");
    const mark = result.querySelector("[data-scan-mark]");
    const message = result.querySelector("[data-scan-message]");
    const succeeded = station.querySelector("[data-scan-succeeded]");
    const failed = station.querySelector("[data-scan-failed]");
    const waiting = station.querySelector("[data-scan-queue]");
    const undoForm = station.querySelector("[data-scan-undo]");
    const log = document.querySelector("[data-scan-log]");
    const logEmpty = document.querySelector("[data-scan-log-empty]");
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const queue = [];
    let busy = false;

    function show(answer) {
      const ok = Boolean(answer.ok);
      result.classList.toggle("scan-result-ok", ok);
      result.classList.toggle("scan-result-error", !ok);
      mark.textContent = ok ? "✓ Done" : "✗ Refused";
      message.textContent = answer.message;
      if (answer.prompt) prompt.textContent = answer.prompt;
      if (typeof answer.succeeded === "number") succeeded.textContent = answer.succeeded;
      if (typeof answer.failed === "number") failed.textContent = answer.failed;
      beep(ok);
    }

    function logLine(value, answer, undo) {
      const item = document.createElement("li");
      item.className = "scan-log-" + (answer.ok ? "ok" : "error");
      const time = document.createElement("time");
      time.textContent = answer.time || "";
      const label = document.createElement("span");
      label.className = "scan-log-mark";
      label.textContent = undo ? "Undo" : answer.ok ? "✓ Done" : "✗ Refused";
      const code = document.createElement("code");
      code.textContent = value;
      const text = document.createElement("span");
      text.textContent = answer.message;
      item.append(time, " ", label, " ", code, " ", text);
      log.prepend(item);
      while (log.children.length > 200) log.lastElementChild.remove();
      if (logEmpty) logEmpty.hidden = true;
    }

    async function post(url, body) {
      try {
        const response = await fetch(url, {
          method: "POST",
          body: body,
          headers: { Accept: "application/json", "X-CSRFToken": csrf },
          credentials: "same-origin",
        });
        const type = response.headers.get("Content-Type") || "";
        if (type.startsWith("application/json")) return await response.json();
        return { ok: false, message: "The server did not answer (status " + response.status + "). Scan again." };
      } catch (error) {
        return { ok: false, message: "Not sent: the connection failed. Scan again." };
      }
    }

    async function drain() {
      if (busy) return;
      busy = true;
      while (queue.length) {
        const job = queue[0];
        waiting.textContent = queue.length;
        const answer = await post(job.url, job.body);
        queue.shift();
        show(answer);
        logLine(job.label, answer, job.undo);
      }
      waiting.textContent = "0";
      busy = false;
    }

    function enqueue(url, body, label, undo) {
      queue.push({ url: url, body: body, label: label, undo: undo });
      waiting.textContent = queue.length;
      drain();
    }

    function resetMarks() {
      form.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = false; });
      const condition = form.querySelector("select[name=condition]");
      if (condition) condition.value = "";
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const value = input.value.trim();
      if (!value) return;
      const body = new FormData(form); // read now: the marks belong to this scan only
      input.value = "";
      resetMarks();
      input.focus();
      enqueue(form.action, body, value, false);
    });

    function undo() {
      enqueue(undoForm.action, new FormData(undoForm), "—", true);
      input.focus();
    }

    undoForm.addEventListener("submit", function (event) {
      event.preventDefault();
      undo();
    });

    input.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z" && !input.value) {
        event.preventDefault();
        undo();
      }
    });

    // A browser blocks sound until the page is used: wake the audio on the first key.
    input.addEventListener("keydown", audioContext, { once: true });
    // Keep the scanner's keystrokes landing in the box after a click elsewhere.
    station.addEventListener("click", function (event) {
      if (!event.target.closest("input, select, button, label, a")) input.focus();
    });
    input.focus();
    // Scans now go in the background; before this, Enter posted the form the plain way.
    station.dataset.scanReady = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-scan-station]").forEach(setup);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
