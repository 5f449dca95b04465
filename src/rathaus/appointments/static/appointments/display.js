/* Call display: fetches the latest calls every 1.5 seconds and redraws the list. */
(function () {
  "use strict";

  function render(list, calls, emptyText) {
    var items = calls.map(function (call) {
      var li = document.createElement("li");
      li.className = "kern-heading-large";
      li.textContent = call.number + " \u2192 " + call.counter;
      return li;
    });
    var signature = calls.map(function (c) { return c.number + c.counter + c.call_count; }).join("|");
    if (list.dataset.signature === signature) { return; }
    list.dataset.signature = signature;
    list.replaceChildren.apply(list, items.length ? items : [emptyText]);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-call-display]");
    if (!root) { return; }
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
    setInterval(poll, 1500);
  });
})();
