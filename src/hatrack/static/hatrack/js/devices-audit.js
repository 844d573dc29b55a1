// Physical audits: each scan (keyboard input ending in Enter) is posted without reloading
// the page; the answer shows in green (found), amber (already scanned) or red
// (unexpected, unknown, refused) with a tone, the counters move, and the device joins
// its list. Scans are sent one after another, in the order they were made.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var form = document.querySelector("[data-audit-scan]");
  if (!form) { return; }
  var input = form.querySelector("input[name=code]");
  var result = form.querySelector("[data-audit-result]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = Promise.resolve();
  var audio = null;

  var TONES = { ok: [880, 0.12], warn: [520, 0.18], error: [220, 0.35] };

  function tone(kind) {
    var AudioContext = window.AudioContext || window.webkitAudioContext;
    if (!AudioContext) { return; }
    try {
      audio = audio || new AudioContext();
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      var spec = TONES[kind];
      oscillator.frequency.value = spec[0];
      oscillator.type = kind === "error" ? "square" : "sine";
      gain.gain.value = 0.15;
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + spec[1]);
    } catch (error) {
      // Sound is a help, not a requirement: the colour and the words carry the result.
    }
  }

  function kindOf(data) {
    if (data.ok) { return "ok"; }
    return data.outcome === "already" ? "warn" : "error";
  }

  function updateCounts(counts) {
    Object.keys(counts || {}).forEach(function (key) {
      document.querySelectorAll('[data-count="' + key + '"]').forEach(function (element) {
        element.textContent = counts[key];
      });
    });
  }

  function addRow(list, html) {
    var body = document.querySelector('[data-rows="' + list + '"]');
    if (!body) { return; }
    var empty = body.querySelector(".empty-row");
    if (empty) { empty.remove(); }
    body.insertAdjacentHTML("afterbegin", html);
  }

  function show(data) {
    var kind = kindOf(data);
    result.hidden = false;
    result.className = "audit-result audit-result-" + kind;
    result.textContent = data.message;
    tone(kind);
    updateCounts(data.counts);
    if (data.row && data.list) { addRow(data.list, data.row); }
    if (data.outcome === "found" && data.device) {
      var row = document.querySelector('[data-rows="missing"] tr[data-device="' + data.device + '"]');
      if (row) { row.remove(); }
    }
  }

  function send(code) {
    var body = new FormData();
    body.append("code", code);
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        throw new Error("The server answered " + response.status + ".");
      }
      return response.json();
    }).then(show).catch(function (error) {
      show({ ok: false, outcome: "refused", message: code + " was not recorded (" + error.message + "). Reload the page and scan it again." });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = input.value.trim();
    input.value = "";
    input.focus();
    if (!code) { return; }
    pending = pending.then(function () { return send(code); });
  });
})();
