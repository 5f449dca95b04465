/* Call display: fetches the latest calls every 1.5 seconds and redraws the list.
 * An optional sound (off by default) plays a short tone through Web Audio when a new call
 * appears; the audio context is created only after the button was pressed, so nothing plays
 * before someone at the screen has chosen it. */
(function () {
  "use strict";

  var sound = { on: false, context: null };

  function beep() {
    if (!sound.on || !sound.context) { return; }
    var ctx = sound.context;
    var now = ctx.currentTime;
    [0, 0.25].forEach(function (offset, index) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = index === 0 ? 880 : 660;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.22);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.24);
    });
    document.documentElement.dataset.callSoundPlayed =
      String(Number(document.documentElement.dataset.callSoundPlayed || "0") + 1);
  }

  function setupSound(button) {
    if (!button) { return; }
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { button.disabled = true; return; }
    button.addEventListener("click", function () {
      sound.on = !sound.on;
      button.setAttribute("aria-pressed", sound.on ? "true" : "false");
      if (sound.on) {
        // Created (or resumed) inside the click: browsers allow audio after a user gesture.
        sound.context = sound.context || new Context();
        if (sound.context.state === "suspended") { sound.context.resume(); }
      }
    });
  }

  function newestCall(calls) {
    return calls.length ? calls[0].number + "|" + calls[0].counter + "|" + calls[0].call_count : "";
  }

  function render(list, calls, emptyText) {
    var items = calls.map(function (call) {
      var li = document.createElement("li");
      li.className = "kern-heading-large";
      li.textContent = call.number + " \u2192 " + call.counter;
      return li;
    });
    var signature = calls.map(function (c) { return c.number + c.counter + c.call_count; }).join("|");
    if (list.dataset.signature === signature) { return; }
    var firstRender = list.dataset.signature === undefined;
    list.dataset.signature = signature;
    var newest = newestCall(calls);
    if (!firstRender && newest && newest !== list.dataset.newest) { beep(); }
    list.dataset.newest = newest;
    list.replaceChildren.apply(list, items.length ? items : [emptyText]);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-call-display]");
    if (!root) { return; }
    setupSound(root.querySelector("[data-call-sound]"));
    var list = root.querySelector("ol");
    var empty = list.firstElementChild ? list.firstElementChild.cloneNode(true) : null;
    async function poll() {
      try {
        var response = await fetch(root.dataset.callDisplay, { cache: "no-store" });
        if (response.ok) {
          render(list, (await response.json()).calls, empty);
        }
      } catch (error) { /* keep showing the last state */ }
    }
    poll();
    setInterval(poll, 1500);
  });
})();
