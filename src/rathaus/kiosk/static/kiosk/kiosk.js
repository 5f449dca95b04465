/* Bürgerterminal: the idle countdown, printing, and no page shown again from the history cache.
 *
 * After RATHAUS_KIOSK_IDLE_SECONDS without a touch or key, the header's "Done" form is sent and the
 * server wipes the visitor's session. The last RATHAUS_KIOSK_COUNTDOWN_SECONDS are shown as a
 * countdown that any touch cancels; a live region announces it. Input that sends no request
 * (typing in a long form) is reported now and then, so the server's own limit does not end a
 * session that is in use. Without this script the server's limit still ends the session.
 */
(function () {
  "use strict";

  // A page restored from the back/forward cache would show a previous visitor's page: reload it.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var printButton = document.querySelector("[data-kiosk-print]");
    if (printButton) {
      printButton.hidden = false;
      printButton.addEventListener("click", function () { window.print(); });
    }

    var header = document.querySelector("[data-kiosk-idle]");
    var form = document.querySelector("[data-kiosk-done]");
    if (!header || !form) { return; }
    var idleMs = Number(header.getAttribute("data-kiosk-idle")) * 1000;
    var countdownMs = Number(header.getAttribute("data-kiosk-countdown")) * 1000;
    var aliveUrl = header.getAttribute("data-kiosk-alive");
    var panel = header.querySelector("[data-kiosk-panel]");
    var seconds = header.querySelector("[data-kiosk-seconds]");
    var live = header.querySelector("[data-kiosk-live]");
    var reason = form.querySelector("[data-kiosk-reason]");
    var template = live.getAttribute("data-kiosk-announce");
    var lastInput = Date.now();
    var lastReport = Date.now();
    var announced = null;
    var finished = false;

    function hidePanel() {
      if (!panel.hidden) {
        panel.hidden = true;
        live.textContent = "";
        announced = null;
      }
    }

    function onInput() {
      lastInput = Date.now();
      hidePanel();
      if (aliveUrl && Date.now() - lastReport > 15000) {
        lastReport = Date.now();
        fetch(aliveUrl, { method: "POST", credentials: "same-origin", keepalive: true }).catch(function () {});
      }
    }

    ["pointerdown", "keydown", "touchstart", "wheel", "input"].forEach(function (name) {
      document.addEventListener(name, onInput, { capture: true, passive: true });
    });
    header.querySelector("[data-kiosk-continue]").addEventListener("click", onInput);

    function tick() {
      if (finished) { return; }
      var left = idleMs - (Date.now() - lastInput);
      if (left <= 0) {
        finished = true;
        reason.value = "zeit";
        form.submit();
        return;
      }
      if (left <= countdownMs) {
        var n = Math.ceil(left / 1000);
        seconds.textContent = String(n);
        if (panel.hidden) { panel.hidden = false; }
        // Announced when it appears and then every ten seconds, not every second.
        if (announced === null || (n % 10 === 0 && n !== announced)) {
          announced = n;
          live.textContent = template.replace("{n}", String(n));
        }
      }
    }
    window.setInterval(tick, 250);
  });
})();
